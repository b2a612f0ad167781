// Saves a CAF section as the practitioner types (the "Save draft" button does the same without JavaScript).
const form = document.querySelector("form[data-caf-autosave]");
if (form) {
  const status = form.querySelector("[data-caf-autosave-status]");
  let timer = null;
  const save = async () => {
    timer = null;
    const response = await fetch(window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin",
    });
    if (response.ok && status) {
      const result = await response.json();
      status.textContent = result.saved ? `Draft saved (version ${result.version})` : "";
      status.classList.toggle("govuk-visually-hidden", !result.saved);
    }
  };
  form.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 2000);
  });
  form.addEventListener("focusout", () => {
    if (timer) { clearTimeout(timer); save(); }
  });
}
