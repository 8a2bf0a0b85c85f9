// The extension request dialog (`#ext-dialog` in the page): how much longer and why, for a
// custody measure or a case deadline. The approver's level is the legal limit's; the amount
// offered never passes the law's maximum.
import {
  $, t, api, enc, openDialog, submitting, limitOf, limitName, minutesText, toast,
} from './common.js';

let pending = null; // { kind, id, done }

/**
 * Asks for an extension of clock `id` of `kind` (`measure` or `deadline`) under limit
 * `limitCode`, whose limit now in force is `currentMinutes`; `done()` runs after it was sent.
 */
export function askExtension(kind, id, limitCode, currentMinutes, about, done = () => {}) {
  pending = { kind, id, done };
  const l = limitOf(limitCode);
  const room = l ? Math.max(0, l.max_minutes - (currentMinutes || l.base_minutes)) : null;
  $('ext-about').textContent = [
    about,
    limitName(limitCode),
    room !== null ? t('cases.ext.room', { max: minutesText(l.max_minutes), left: minutesText(room) }) : '',
  ].filter(Boolean).join(' · ');
  const amount = $('ext-amount');
  amount.value = '';
  $('ext-reason').value = '';
  // Offer the whole room left in hours when it is a whole number of hours.
  if (room && room % 60 === 0) {
    $('ext-unit').value = '60';
    amount.value = String(room / 60);
  }
  openDialog($('ext-dialog'), '#ext-amount');
}

async function send(event) {
  event.preventDefault();
  if (!pending) return;
  const form = $('ext-form');
  const res = await submitting(form, async () => {
    const minutes = Math.round(Number($('ext-amount').value) * Number($('ext-unit').value));
    return api('POST', `/api/v1/cases/clocks/${enc(pending.kind)}/${enc(pending.id)}/extensions`, {
      minutes,
      reason: $('ext-reason').value.trim(),
    });
  });
  if (!res) return;
  $('ext-dialog').close();
  toast(t('cases.ext.sent'));
  const { done } = pending;
  pending = null;
  done(res);
}

export function wireExtension() {
  $('ext-form').addEventListener('submit', send);
}
