/* Accessibility of the rasa-webchat widget (WCAG 2.1 AA, issue #14).
 *
 * rasa-webchat 1.0.1 has no options for names, roles or keyboard use, and renders with React,
 * so this script completes its markup whenever it changes (a MutationObserver), without
 * touching its code: names for the icon buttons, a labelled log region that announces new
 * messages, reply buttons that Tab, Enter and Space reach, an alert role for the safety replies,
 * and focus kept somewhere sensible. The words come from data (window.SPINE_ASSISTANT.labels,
 * data/wording.yml) and the alert openings from the domain's safety responses. README, "Website
 * widget", says what is changed and why. */
(function () {
  "use strict";
  var settings = window.SPINE_ASSISTANT || {};
  var labels = settings.labels || {};
  var alertStarts = settings.alertStarts || [];

  function set(element, name, value) {
    if (element && element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function pressable(reply) {
    if (reply.dataset.keyboard) {
      return;
    }
    reply.dataset.keyboard = "yes";
    set(reply, "role", "button");
    set(reply, "tabindex", "0");
    reply.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reply.click();
      }
    });
  }

  function isAlert(text) {
    return alertStarts.some(function (start) {
      return text.indexOf(start) === 0;
    });
  }

  function markAlerts(root) {
    root.querySelectorAll(".rw-response").forEach(function (response) {
      if (!response.dataset.checked && isAlert(response.textContent.trim())) {
        set(response, "role", "alert");
        response.classList.add("rw-alert");
      }
      response.dataset.checked = "yes";
    });
  }

  function keepWordsWhole(root) {
    // A one-word bold text (a ticket reference "SP-4WXK") never breaks at its hyphen.
    root.querySelectorAll(".rw-response strong").forEach(function (strong) {
      if (!/\s/.test(strong.textContent.trim())) {
        strong.classList.add("rw-whole");
      }
    });
  }

  function improve() {
    var container = document.querySelector(".rw-widget-container");
    if (!container) {
      return;
    }
    var open = Boolean(container.querySelector(".rw-conversation-container"));
    set(container, "role", "region");
    set(container, "aria-label", labels.region);
    var launcher = container.querySelector(".rw-launcher");
    set(launcher, "aria-label", open ? labels.close : labels.open);
    set(launcher, "aria-expanded", String(open));
    set(container.querySelector(".rw-send"), "aria-label", labels.send);
    set(container.querySelector(".rw-close-button"), "aria-label", labels.close);
    var title = container.querySelector(".rw-header .rw-title");
    set(title, "aria-level", "2");
    var messages = container.querySelector("#rw-messages");
    if (messages) {
      set(messages, "role", "log");
      set(messages, "aria-live", "polite");
      set(messages, "aria-label", labels.conversation);
      set(messages, "tabindex", "0");
    }
    set(container.querySelector(".rw-new-message"), "aria-label", labels.input);
    container.querySelectorAll(".rw-reply").forEach(pressable);
    markAlerts(container);
    keepWordsWhole(container);
    // A pressed reply button disappears with the next answer: focus goes back to the text box.
    if (open && (document.activeElement === document.body || !document.activeElement)) {
      var input = container.querySelector(".rw-new-message");
      if (input && container.dataset.hadFocus) {
        input.focus();
      }
    }
  }

  document.addEventListener("focusin", function (event) {
    var container = document.querySelector(".rw-widget-container");
    if (container && container.contains(event.target)) {
      container.dataset.hadFocus = "yes";
    }
  });
  new MutationObserver(improve).observe(document.body, { childList: true, subtree: true });
  improve();
})();
