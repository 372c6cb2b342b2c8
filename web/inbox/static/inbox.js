// The staff inbox's live parts: the ticket list and a ticket's conversation are fetched
// again every second and redrawn with textContent only (patients' words are never HTML).
// A session that timed out sends the browser to the sign-in page.
"use strict";

const POLL_MS = 1000;

async function poll(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401) {
    window.location.assign("/login?m=timed_out");
    return null;
  }
  return response.ok ? response.json() : null;
}

function cell(text, className) {
  const td = document.createElement("td");
  const span = document.createElement("span");
  span.textContent = text;
  if (className) span.className = className;
  td.appendChild(span);
  return td;
}

function ticketRow(ticket) {
  const row = document.createElement("tr");
  row.dataset.reference = ticket.reference;
  if (ticket.urgent) row.className = "urgent";
  const link = document.createElement("a");
  link.href = ticket.url;
  link.textContent = ticket.reference;
  const first = document.createElement("td");
  first.appendChild(link);
  row.appendChild(first);
  row.appendChild(cell(ticket.priority, "priority"));
  for (const key of ["status", "reason", "channel", "age", "claimed_by", "latest"]) row.appendChild(cell(ticket[key]));
  return row;
}

function watchList(table) {
  const body = table.querySelector("tbody");
  const announce = document.getElementById("announce");
  const empty = document.getElementById("no-tickets");
  let known = new Set([...body.querySelectorAll("tr")].map((row) => row.dataset.reference));
  const focusedReference = () => document.activeElement?.closest?.("tr")?.dataset.reference;
  async function refresh() {
    const data = await poll(table.dataset.poll);
    if (data) {
      const focused = focusedReference();
      body.replaceChildren(...data.tickets.map(ticketRow));
      if (focused) body.querySelector(`tr[data-reference="${CSS.escape(focused)}"] a`)?.focus();
      const fresh = data.tickets.filter((t) => !known.has(t.reference));
      if (fresh.length) {
        announce.textContent = fresh
          .map((t) => announce.dataset.newTicket.replace("{reference}", t.reference).replace("{reason}", t.reason))
          .join(" ");
      }
      known = new Set(data.tickets.map((t) => t.reference));
      table.hidden = data.tickets.length === 0;
      empty.hidden = data.tickets.length !== 0;
      document.title = data.title;
    }
    setTimeout(refresh, POLL_MS);
  }
  setTimeout(refresh, POLL_MS);
}

function transcriptLine(line) {
  const item = document.createElement("li");
  item.className = `line ${line.speaker}`;
  for (const [key, value] of [["speaker", line.label], ["time", line.time], ["text", line.text]]) {
    const span = document.createElement("span");
    span.className = key;
    span.textContent = value;
    item.appendChild(span);
  }
  return item;
}

function watchTicket(list) {
  const fields = { status: "ticket-status", priority: "ticket-priority", claimed_by: "ticket-claimed-by" };
  const box = list.parentElement; // the scrolling log around the list
  async function refresh() {
    const data = await poll(list.dataset.poll);
    if (data) {
      // Only the live conversation grows line by line (not the copy stored with the ticket).
      const shown = data.live ? list.children.length : data.lines.length;
      const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
      for (const line of data.lines.slice(shown)) list.appendChild(transcriptLine(line));
      if (data.lines.length > shown && atBottom) box.scrollTop = box.scrollHeight;
      for (const [key, id] of Object.entries(fields)) document.getElementById(id).textContent = data[key];
    }
    setTimeout(refresh, POLL_MS);
  }
  box.scrollTop = box.scrollHeight;
  setTimeout(refresh, POLL_MS);
}

function cannedReplies() {
  const box = document.getElementById("reply-text");
  for (const button of document.querySelectorAll("button[data-canned]")) {
    button.addEventListener("click", () => {
      box.value = button.dataset.canned;
      box.focus();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const table = document.querySelector("table[data-poll]");
  if (table) watchList(table);
  const transcript = document.querySelector("ol[data-poll]");
  if (transcript) watchTicket(transcript);
  cannedReplies();
});
