import { DisplayName, Username } from '../../../app/contract/channels';
import { passwordIssue, passwordIssueKeys } from '../session/password';

export interface Problem {
  key: string;
  params?: Record<string, unknown>;
}

export interface AccountInput {
  username: string;
  displayName: string;
  password: string;
  /** Present when the form asks for the password twice. */
  confirm?: string;
}

export type AccountField = keyof AccountInput;
export type AccountProblems = Partial<Record<AccountField, Problem>>;

/**
 * What is wrong with an account form, field by field, as translation keys.
 * Username and name use the contract's own schemas, so the form accepts
 * exactly what the core will.
 */
export function validateAccount(input: AccountInput, minLength: number): AccountProblems {
  const problems: AccountProblems = {};
  if (input.username.trim() === '') problems.username = { key: 'validation.required' };
  else if (!Username.safeParse(input.username).success) problems.username = { key: 'validation.usernameFormat' };

  if (input.displayName.trim() === '') problems.displayName = { key: 'validation.required' };
  else if (!DisplayName.safeParse(input.displayName).success) problems.displayName = { key: 'validation.displayNameTooLong' };

  const issue = passwordIssue(input.password, input.username, minLength);
  if (issue !== null) problems.password = { key: passwordIssueKeys[issue], params: { minLength } };

  if (input.confirm !== undefined && problems.password === undefined) {
    if (input.confirm === '') problems.confirm = { key: 'validation.required' };
    else if (input.confirm !== input.password) problems.confirm = { key: 'validation.passwordMismatch' };
  }
  return problems;
}

/** The first field with a problem, in the order given, so focus can go there. */
export function firstProblem<F extends string>(problems: Partial<Record<F, Problem>>, order: readonly F[]): F | null {
  return order.find((field) => problems[field] !== undefined) ?? null;
}
