// Saves a CAF section a moment after the practitioner stops typing. The "Save draft" button does the
// same without JavaScript; submitting the form cancels any pending autosave.
const form = document.querySelector("form[data-caf-autosave]");
if (form) {
  const status = form.querySelector("[data-caf-autosave-status]");
  let timer = null;
  let submitting = false;
  const save = async () => {
    timer = null;
    if (submitting) return;
    const response = await fetch(window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin",
    });
    if (response.ok && status) {
      const result = await response.json();
      // Later autosaves build on the version this one made; a stale one is dropped by the server.
      if (result.saved) form.querySelector("input[name=base_version]").value = result.version;
      status.textContent = result.saved ? `Draft saved (version ${result.version})` : "";
      status.classList.toggle("govuk-visually-hidden", !result.saved);
    }
  };
  form.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 3000);
  });
  form.addEventListener("submit", () => {
    submitting = true;
    if (timer) clearTimeout(timer);
  });
}
