// Passkeys and security keys (WebAuthn). Forms marked data-passkey-get or
// data-passkey-create stay hidden unless this browser can use them; the
// ceremony's options come from the server (a fresh challenge each time) and the
// browser's answer is posted with the form, where the server checks it once.
(() => {
    "use strict";
    const supported = window.PublicKeyCredential &&
        typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function" &&
        typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function";

    async function options(url, form) {
        const token = form.querySelector("input[name='__RequestVerificationToken']");
        const response = await fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: token ? { "RequestVerificationToken": token.value } : {},
        });
        if (response.status === 403 && form.hasAttribute("data-passkey-reauthenticate")) {
            // The sign-in is too old to change factors: prove it again, then come back here.
            location.href = "/account/reauthenticate?returnUrl=" + encodeURIComponent(location.pathname + location.search);
            throw Object.assign(new Error("reauthenticate"), { name: "AbortError" });
        }
        if (!response.ok) throw new Error("options " + response.status);
        return response.json();
    }

    function post(form, credential) {
        form.querySelector("[data-credential]").value = JSON.stringify(credential);
        form.submit();
    }

    function say(form, attribute) {
        const status = form.querySelector("[data-passkey-status]");
        if (status) status.textContent = form.getAttribute(attribute) || "";
    }

    let autofill = null; // the pending conditional request, aborted when a button is pressed

    async function get(form, conditional) {
        const url = form.getAttribute("data-passkey-get");
        // Claimed before the options arrive, so a button press meanwhile cancels this request too.
        const controller = conditional ? (autofill = new AbortController()) : null;
        const json = await options(url, form);
        if (controller && controller.signal.aborted) return;
        const request = { publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) };
        if (controller) {
            request.mediation = "conditional";
            request.signal = controller.signal;
        }
        const credential = await navigator.credentials.get(request);
        if (credential) post(form, credential);
    }

    async function create(form) {
        const json = await options(form.getAttribute("data-passkey-create"), form);
        const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) });
        if (credential) post(form, credential);
    }

    function start(form, action) {
        say(form, "data-passkey-none");
        if (autofill) { autofill.abort(); autofill = null; }
        action(form).catch(error => {
            if (error && error.name === "AbortError") return;
            say(form, "data-passkey-error");
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        if (!supported) return;
        for (const form of document.querySelectorAll("form[data-passkey-get]")) {
            form.hidden = false;
            const button = form.querySelector("[data-passkey-start]");
            if (button) button.addEventListener("click", () => start(form, f => get(f, false)));
            if (form.hasAttribute("data-passkey-autofill") && typeof PublicKeyCredential.isConditionalMediationAvailable === "function") {
                PublicKeyCredential.isConditionalMediationAvailable().then(available => {
                    if (available) get(form, true).catch(() => { /* the person typed a password instead */ });
                });
            }
        }
        for (const form of document.querySelectorAll("form[data-passkey-create]")) {
            form.hidden = false;
            form.addEventListener("submit", event => {
                event.preventDefault();
                start(form, create);
            });
        }
    });
})();
