import { describe, expect, it } from 'vitest';
import { passwordIssue } from './password';

describe('passwordIssue', () => {
  it('follows the core’s rules: length in characters, not only spaces, not containing the username', () => {
    expect(passwordIssue('', 'ana', 10)).toBe('required');
    expect(passwordIssue('short', 'ana', 10)).toBe('tooShort');
    expect(passwordIssue('          ', 'ana', 10)).toBe('onlySpaces');
    expect(passwordIssue('my-ANA-password', 'ana', 10)).toBe('hasUsername');
    expect(passwordIssue('a quiet river', 'ana.b', 10)).toBeNull();
  });

  it('counts an emoji or accented letter as one character', () => {
    expect(passwordIssue('😀😀😀😀😀😀😀😀😀', 'ana', 10)).toBe('tooShort');
    expect(passwordIssue('😀😀😀😀😀😀😀😀😀😀', 'ana', 10)).toBeNull();
  });
});
