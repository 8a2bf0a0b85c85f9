import { initI18n, t, has } from './i18n.js';
import { ApiError, getMe, login } from './api.js';

const form = document.getElementById('login-form');
const submit = document.getElementById('submit');
const formError = document.getElementById('form-error');
const inputs = {
  username: document.getElementById('username'),
  password: document.getElementById('password'),
};

// Where to go once signed in: `?next=/path` (a path on this site only), else home.
function nextPage() {
  const next = new URLSearchParams(window.location.search).get('next') || '';
  return /^\/(?![/\\])/.test(next) ? next : '/';
}

// What is on screen, kept as keys so a language switch re-renders it.
let state = { error: null, fields: {} };
let busy = false;

// A field error is { code, reason }: the code is translated when the
// dictionary knows it (per field first), otherwise the server's reason shows.
function fieldMessage(field, error) {
  for (const key of [`validation.${field}_${error.code}`, `validation.${error.code}`]) {
    if (error.code && has(key)) return t(key);
  }
  return error.reason || t('validation.invalid');
}

function errorMessage(err) {
  if (!err) return '';
  const code = err.code;
  if (code === 'too_many_attempts') {
    const header = err.headers && err.headers.get('Retry-After');
    const seconds = Number.parseInt(header || (err.problem && err.problem.retry_after), 10);
    if (Number.isFinite(seconds) && seconds > 0) return t('errors.too_many_attempts_retry', { seconds });
  }
  if (code && has(`errors.${code}`)) return t(`errors.${code}`);
  if (err.problem && err.problem.detail) return err.problem.detail;
  return t('errors.unexpected', { status: err.status });
}

function render() {
  const message = errorMessage(state.error);
  formError.textContent = message;
  formError.hidden = !message;
  for (const [name, input] of Object.entries(inputs)) {
    const error = state.fields[name];
    const slot = document.getElementById(`${name}-error`);
    slot.textContent = error ? fieldMessage(name, error) : '';
    slot.hidden = !error;
    if (error) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  submit.disabled = busy;
  submit.textContent = t(busy ? 'login.submitting' : 'login.submit');
}

function focusFirstInvalid() {
  const name = Object.keys(inputs).find((n) => state.fields[n]);
  if (name) inputs[name].focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (busy) return;
  const username = inputs.username.value.trim();
  const password = inputs.password.value;
  const fields = {};
  if (!username) fields.username = { code: 'required' };
  if (!password) fields.password = { code: 'required' };
  state = { error: null, fields };
  if (Object.keys(fields).length) {
    render();
    focusFirstInvalid();
    return;
  }
  busy = true;
  render();
  try {
    await login(username, password);
    window.location.assign(nextPage());
    return;
  } catch (err) {
    const apiErr = err instanceof ApiError ? err : new ApiError(0, null, null);
    const fieldErrors = {};
    const list = apiErr.problem && Array.isArray(apiErr.problem.errors) ? apiErr.problem.errors : [];
    for (const item of list) {
      // `field` is a JSON path; ours are top-level names, maybe written ".username".
      const field = String((item && item.field) || '').replace(/^[$./]+/, '');
      if (field in inputs && !fieldErrors[field]) {
        fieldErrors[field] = { code: String(item.code || ''), reason: String(item.reason || '') };
      }
    }
    state = { error: apiErr, fields: fieldErrors };
    if (apiErr.code === 'invalid_credentials') {
      inputs.password.value = '';
      inputs.password.focus();
    }
  }
  busy = false;
  render();
  focusFirstInvalid();
});

document.addEventListener('langchange', render);

await initI18n();
inputs.username.focus();

// Already signed in? Go straight home.
try {
  await getMe();
  window.location.replace(nextPage());
} catch {
  // Not signed in (401) or server unreachable: stay on the login page.
}
