/**
 * The "New grant" form (src/web/demoPage.ts writes its markup): reads a draft, checks it with
 * validate.ts, marks each wrong field (`aria-invalid`, its message tied by `aria-describedby`)
 * and moves the focus to the first, and shows a refusal from the server in a panel that names
 * the gateway's code and KMS's `kmsErrorCode`.
 */
import { ApiError } from './api.ts';
import { validateGrant, type GrantField, type GrantValidation } from './validate.ts';

/** The element with `id` inside `root`. */
function inside<T extends HTMLElement>(root: HTMLElement, id: string, type: new () => T): T {
  const element = root.querySelector(`#${id}`);
  if (!(element instanceof type)) throw new Error(`demo page: #${id} is missing or not a ${type.name}`);
  return element;
}

/** Fields in the form's order: where each one's message goes, and what to focus when it is wrong. */
const FIELDS: readonly (readonly [GrantField, string])[] = [
  ['granteePrincipalType', 'grantee-type'],
  ['granteePrincipal', 'grantee'],
  ['operations', 'operations'],
  ['name', 'grant-name'],
  ['retiringPrincipal', 'retiring'],
];

export class GrantForm {
  readonly form: HTMLFormElement;
  readonly submit: HTMLButtonElement;
  private readonly heading: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly problemText: HTMLElement;
  private readonly problemCodes: HTMLElement;

  constructor(form: HTMLFormElement) {
    this.form = form;
    this.submit = inside(form, 'create-grant', HTMLButtonElement);
    this.heading = inside(form, 'create-heading', HTMLElement);
    this.problem = inside(form, 'create-problem', HTMLElement);
    this.problemText = inside(form, 'create-problem-text', HTMLElement);
    this.problemCodes = inside(form, 'create-problem-codes', HTMLElement);
  }

  /** Points the form at a key: its heading names the key; earlier messages go. */
  target(keyLabel: string): void {
    this.heading.textContent = `New grant on ${keyLabel}`;
    this.clearErrors();
    this.clearProblem();
  }

  /** Reads and checks the form for `keyId`; marks what is wrong. */
  validate(keyId: string): GrantValidation {
    const data = new FormData(this.form);
    const text = (name: string): string => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const result = validateGrant({
      keyId,
      granteePrincipal: text('granteePrincipal'),
      granteePrincipalType: text('granteePrincipalType'),
      operations: data.getAll('operations').filter((v): v is string => typeof v === 'string'),
      name: text('name'),
      retiringPrincipal: text('retiringPrincipal'),
    });
    this.clearErrors();
    this.clearProblem();
    if (!result.ok) this.showErrors(result.errors);
    return result;
  }

  /** Back to an empty form (grantee type: user), messages gone. */
  clear(): void {
    this.form.reset();
    this.clearErrors();
    this.clearProblem();
  }

  /** Shows why the server refused the grant: its message, the gateway's code and KMS's code. */
  showProblem(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.problemText.textContent = message;
    const codes = error instanceof ApiError ? [error.code, error.kmsErrorCode].filter((c) => c !== undefined) : [];
    this.problemCodes.replaceChildren(
      ...codes.flatMap((code, i) => {
        const element = document.createElement('code');
        element.textContent = code;
        return i === 0 ? [element] : [' · ', element];
      }),
    );
    this.problemCodes.hidden = codes.length === 0;
    this.problem.hidden = false;
    this.problem.focus();
  }

  private clearProblem(): void {
    this.problem.hidden = true;
    this.problemText.textContent = '';
    this.problemCodes.replaceChildren();
  }

  /** The controls of a field (the radios or checkboxes of a group, else its one input). */
  private controls(id: string): HTMLInputElement[] {
    const element = inside(this.form, id, HTMLElement);
    return element instanceof HTMLInputElement ? [element] : [...element.querySelectorAll('input')];
  }

  private showErrors(errors: Partial<Record<GrantField, string>>): void {
    let first: HTMLInputElement | undefined;
    for (const [field, id] of FIELDS) {
      const message = errors[field];
      if (message === undefined) continue;
      inside(this.form, `${id}-error`, HTMLElement).textContent = message;
      for (const control of this.controls(id)) control.setAttribute('aria-invalid', 'true');
      first ??= this.controls(id)[0];
    }
    first?.focus();
  }

  private clearErrors(): void {
    for (const [, id] of FIELDS) {
      inside(this.form, `${id}-error`, HTMLElement).textContent = '';
      for (const control of this.controls(id)) control.removeAttribute('aria-invalid');
    }
  }
}
