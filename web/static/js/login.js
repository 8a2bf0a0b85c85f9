import { initI18n, t, has } from './i18n.js';
import { ApiError, getMe, login } from './api.js';

const form = document.getElementById('login-form');
const submit = document.getElementById('submit');
const formError = document.getElementById('form-error');
const inputs = {
  username: document.getElementById('username'),
  password: document.getElementById('password'),
};

// What is on screen, kept as keys so a language switch re-renders it.
let state = { error: null, fields: {} };
let busy = false;

function translateReason(field, reason) {
  if (has(`validation.${field}_${reason}`)) return t(`validation.${field}_${reason}`);
  if (has(`validation.${reason}`)) return t(`validation.${reason}`);
  return reason;
}

function errorMessage(err) {
  if (!err) return '';
  const code = err.code;
  if (code === 'too_many_attempts') {
    const seconds = Number.parseInt(err.headers && err.headers.get('Retry-After'), 10);
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
    const reason = state.fields[name];
    const slot = document.getElementById(`${name}-error`);
    slot.textContent = reason ? translateReason(name, reason) : '';
    slot.hidden = !reason;
    if (reason) input.setAttribute('aria-invalid', 'true');
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
  if (!username) fields.username = 'required';
  if (!password) fields.password = 'required';
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
    window.location.assign('/');
    return;
  } catch (err) {
    const apiErr = err instanceof ApiError ? err : new ApiError(0, null, null);
    const fieldErrors = {};
    const list = apiErr.problem && Array.isArray(apiErr.problem.errors) ? apiErr.problem.errors : [];
    for (const item of list) {
      if (item && item.field in inputs && !fieldErrors[item.field]) fieldErrors[item.field] = String(item.reason || 'invalid');
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
  window.location.replace('/');
} catch {
  // Not signed in (401) or server unreachable: stay on the login page.
}
