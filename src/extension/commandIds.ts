/** Every command id the extension contributes, once; package.json declares the same ids. */
export const COMMANDS = {
  refresh: 'promptRelease.refresh',
  approve: 'promptRelease.approve',
  requestChanges: 'promptRelease.requestChanges',
  requestReview: 'promptRelease.requestReview',
  diffWithProduction: 'promptRelease.diffWithProduction',
  diffWithApproved: 'promptRelease.diffWithApproved',
  diffWithVersion: 'promptRelease.diffWithVersion',
  showActions: 'promptRelease.showActions',
  release: 'promptRelease.release',
  releaseAllReady: 'promptRelease.releaseAllReady',
  showHistory: 'promptRelease.showHistory',
  openDashboard: 'promptRelease.openDashboard',
  setUp: 'promptRelease.setUp',
  commentCreate: 'promptRelease.comments.create',
  commentReply: 'promptRelease.comments.reply',
  commentResolve: 'promptRelease.comments.resolve',
  commentReopen: 'promptRelease.comments.reopen',
  historyOpen: 'promptRelease.history.open',
  historyCompareWithWorking: 'promptRelease.history.compareWithWorking',
  historySelect: 'promptRelease.history.select',
  historyCompareWithSelected: 'promptRelease.history.compareWithSelected',
  historyRollback: 'promptRelease.history.rollback',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
