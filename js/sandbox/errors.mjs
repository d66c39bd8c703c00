// The sandbox's one error type: every failure is a SandboxError whose `code`
// names the rule.

/** Every failure is a SandboxError; `code` says which rule (DDL, LIMIT, TIMEOUT, MEMORY, TYPE, UDF, LIBRARY, OUTPUT, PACKAGE, SQL). */
export class SandboxError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'SandboxError';
    this.code = code;
    Object.assign(this, extra);
  }
}
export const fail = (code, message, extra) => { throw new SandboxError(code, message, extra); };
