/* Starts the rasa-webchat widget with the clinic's settings.
 * window.SPINE_ASSISTANT (set before this script) holds: socketUrl (required),
 * clinicName, clinicColor, title, subtitle (default: the clinic name), inputHint. See README, "Website widget". */
(function () {
  "use strict";
  var settings = Object.assign(
    {
      clinicName: "",
      clinicColor: "#0b5f73",
      title: "Spine questions",
      subtitle: "",
      inputHint: "Type your question…",
    },
    window.SPINE_ASSISTANT || {}
  );

  document.documentElement.style.setProperty("--clinic-color", settings.clinicColor);
  document.querySelectorAll("[data-clinic-name]").forEach(function (element) {
    element.textContent = settings.clinicName; // text, never HTML
  });

  window.WebChat.default(
    {
      socketUrl: settings.socketUrl,
      socketPath: "/socket.io/",
      // The first message of a conversation: the assistant answers with its disclaimer and
      // greeting. Not sent again when a stored conversation is restored.
      initPayload: "/greet",
      customData: { language: "en" },
      title: settings.title,
      subtitle: settings.subtitle || settings.clinicName,
      inputTextFieldHint: settings.inputHint,
      // Keep the conversation (and its session id) across reloads and visits.
      params: { storage: "local" },
      hideWhenNotConnected: false,
      showFullScreenButton: false,
      displayUnreadCount: true,
      // Answers appear at reading pace, not all at once; at once for people who ask for
      // reduced motion.
      customMessageDelay: function () {
        return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 300;
      },
    },
    null
  );
})();
