// The API key field, as every dialog that writes to the server shows it: a password input holding the key
// last accepted (one storage name, so a key entered in one dialog is there in the other).
import { API_KEY_STORAGE } from './api.ts';
import { h } from './dom.ts';

/** A key input with id `id`, described by the element `errorId`, filled with the stored key. */
export function apiKeyInput(id: string, errorId: string): HTMLInputElement {
  const key = h('input', {
    type: 'password',
    id,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': errorId,
  });
  key.value = storedApiKey();
  return key;
}

export function storedApiKey(): string {
  return localStorage.getItem(API_KEY_STORAGE) ?? '';
}

/** Keeps a key the server accepted for the next dialog. */
export function rememberApiKey(key: string): void {
  localStorage.setItem(API_KEY_STORAGE, key);
}
