import * as vscode from 'vscode';

/** A question on screen: the real QuickPick or InputBox, so tests can answer it as a person would. */
export type ShownInput = { kind: 'pick'; input: vscode.QuickPick<vscode.QuickPickItem> } | { kind: 'text'; input: vscode.InputBox };

/**
 * The questions the editor's flows ask (criteria checklist, dependents, feedback). Each is a
 * real QuickPick or InputBox; `onDidShow` announces it, which is how in-editor tests find it
 * and answer with the workbench's own commands.
 */
export class Asker implements vscode.Disposable {
  private readonly showEmitter = new vscode.EventEmitter<ShownInput>();
  readonly onDidShow = this.showEmitter.event;

  /** One item, or undefined when the person closed the list. */
  async pickOne<T extends vscode.QuickPickItem>(items: T[], options: { title: string; placeholder?: string }): Promise<T | undefined> {
    const picked = await this.pick(items, { ...options, many: false });
    return picked?.[0];
  }

  /** The ticked items (possibly none), or undefined when the person closed the list. */
  pickMany<T extends vscode.QuickPickItem>(items: T[], options: { title: string; placeholder?: string }): Promise<T[] | undefined> {
    return this.pick(items, { ...options, many: true });
  }

  private pick<T extends vscode.QuickPickItem>(items: T[], options: { title: string; placeholder?: string; many: boolean }): Promise<T[] | undefined> {
    const quickPick = vscode.window.createQuickPick<T>();
    quickPick.title = options.title;
    quickPick.placeholder = options.placeholder;
    quickPick.canSelectMany = options.many;
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.ignoreFocusOut = true;
    quickPick.items = items;
    if (options.many) quickPick.selectedItems = items.filter((i) => i.picked);
    return new Promise<T[] | undefined>((resolve) => {
      let done = false;
      const finish = (value: T[] | undefined) => {
        if (done) return;
        done = true;
        resolve(value);
        quickPick.hide();
        quickPick.dispose();
      };
      quickPick.onDidAccept(() => {
        if (options.many) finish([...quickPick.selectedItems]);
        else if (quickPick.selectedItems.length || quickPick.activeItems.length) finish([quickPick.selectedItems[0] ?? quickPick.activeItems[0]]);
      });
      quickPick.onDidHide(() => finish(undefined));
      quickPick.show();
      this.showEmitter.fire({ kind: 'pick', input: quickPick as unknown as vscode.QuickPick<vscode.QuickPickItem> });
    });
  }

  /** Text the person typed, or undefined when they pressed Escape. */
  text(options: { title: string; prompt: string; placeholder?: string; validate?: (value: string) => string | undefined }): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.ignoreFocusOut = true;
    return new Promise<string | undefined>((resolve) => {
      let done = false;
      const finish = (value: string | undefined) => {
        if (done) return;
        done = true;
        resolve(value);
        box.hide();
        box.dispose();
      };
      box.onDidChangeValue((value) => (box.validationMessage = value && options.validate ? options.validate(value) : undefined));
      box.onDidAccept(() => {
        const problem = options.validate?.(box.value);
        if (problem) box.validationMessage = problem;
        else finish(box.value);
      });
      box.onDidHide(() => finish(undefined));
      box.show();
      this.showEmitter.fire({ kind: 'text', input: box });
    });
  }

  dispose(): void {
    this.showEmitter.dispose();
  }
}
