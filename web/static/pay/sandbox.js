// The sandbox payment channel's cashier page (/pay/sandbox/?order=ID). It plays the payment
// provider: the payer sees the merchant-signed order, confirms, and the page hands the signed
// request to the sandbox gateway, which verifies it and notifies the platform; the receipt
// carries the sandbox's transaction number. The back link leads to the page the payment is for
// (traffic fines and fees, approval-window fees).
import { initI18n, t } from '../js/i18n.js';
import { ApiError, api } from '../js/api.js';
import { yuan, when, problemText } from '../traffic/common.js';

const $ = (id) => document.getElementById(id);

const orderId = new URLSearchParams(window.location.search).get('order');
let checkout = null; // {order, pay_url, request}
let receipt = null; // {trade_no, order, settled}
let error = null;
let busy = false;

function subject() {
  try {
    const biz = JSON.parse(checkout.request.biz_content || '{}');
    if (biz.subject) return biz.subject;
  } catch {
    // Not JSON: fall back to what the order says it pays for.
  }
  return checkout.order.subject_kind;
}

function render() {
  const box = $('error');
  box.hidden = !error;
  box.textContent = error ? (typeof error === 'string' ? t(error) : problemText(error)) : '';
  $('order').hidden = !checkout;
  if (checkout) {
    const o = receipt ? receipt.order : checkout.order;
    // An approval-window fee reads as a fee, not as a fine.
    const permit = o.subject_kind === 'permit_application';
    for (const [id, key] of [['merchant', 'pay.merchant'], ['fine-label', 'pay.fine']]) {
      const el = $(id);
      el.dataset.i18n = permit ? (id === 'merchant' ? 'pay.merchant_permits' : 'pay.fee') : key;
      el.textContent = t(el.dataset.i18n);
    }
    // Back to where the payer came from: a traffic fee to the services tab, a fine to the
    // violations, an approval-window fee to its applications.
    const back = {
      traffic_application: ['/traffic#services', 'pay.back'],
      permit_application: ['/permits#applications', 'pay.back_permits'],
    }[o.subject_kind] || ['/traffic#violations', 'pay.back'];
    $('pay-back').href = back[0];
    $('pay-back').dataset.i18n = back[1];
    $('pay-back').textContent = t(back[1]);
    $('amount').textContent = yuan(o.amount_fen);
    $('subject').textContent = subject();
    $('order-no').textContent = o.id;
    $('fine').textContent = yuan(o.fine_fen);
    $('surcharge').textContent = yuan(o.surcharge_fen);
    $('expires').textContent = when(o.expires_at);
    $('status').textContent = t(`pay.order_status.${o.status}`);
    const btn = $('confirm');
    btn.hidden = o.status !== 'pending';
    btn.disabled = busy;
    btn.textContent = t(busy ? 'pay.paying' : 'pay.confirm');
  }
  const paid = receipt ? receipt.order : checkout && checkout.order.status === 'paid' ? checkout.order : null;
  $('receipt').hidden = !paid;
  if (paid) {
    $('r-amount').textContent = yuan(paid.amount_fen);
    $('r-trade').textContent = receipt ? receipt.trade_no : paid.trade_no || '—';
    $('r-order').textContent = paid.id;
    $('r-paid-at').textContent = when(paid.paid_at);
  }
}

async function confirmPay() {
  if (!checkout || busy) return;
  busy = true;
  error = null;
  render();
  try {
    receipt = await api('POST', '/api/v1/payments/sandbox/pay', { request: checkout.request });
  } catch (err) {
    error = err;
  }
  busy = false;
  render();
}

document.addEventListener('langchange', render);
$('confirm').addEventListener('click', confirmPay);

await initI18n();

if (!orderId) {
  error = 'pay.no_order';
} else {
  try {
    checkout = await api('GET', `/api/v1/payments/orders/${encodeURIComponent(orderId)}/checkout`);
    if (checkout.order.status === 'expired' || checkout.order.status === 'closed') error = 'pay.not_payable';
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.replace('/login');
    } else {
      error = err;
    }
  }
}
render();
document.body.dataset.ready = '1';
