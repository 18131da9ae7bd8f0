// The browser softphone: calls the agent over WS /api/softphone using Twilio's Media Streams
// message format (20 ms μ-law frames), plays the agent back and honours `clear`.
(function () {
  const STATIC = "/api/softphone/static/";

  function b64encode(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  function b64decode(text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function setStatus(text) {
    const el = document.getElementById("softphone-status");
    if (el) el.textContent = text;
  }

  const phone = { ws: null, ctx: null, stream: null, node: null, callSid: "", framesIn: 0, framesOut: 0 };
  window.callcenterSoftphone = phone;

  async function hangUp() {
    if (phone.ws && phone.ws.readyState === WebSocket.OPEN) {
      phone.ws.send(JSON.stringify({ event: "stop" }));
      phone.ws.close();
    }
    if (phone.stream) phone.stream.getTracks().forEach((t) => t.stop());
    if (phone.ctx) await phone.ctx.close();
    phone.ws = phone.ctx = phone.stream = phone.node = null;
  }

  async function call() {
    if (phone.ws) return;
    setStatus("Starting microphone…");
    phone.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 },
    });
    phone.ctx = new AudioContext();
    await phone.ctx.audioWorklet.addModule(STATIC + "ulaw-worklet.js");
    const source = phone.ctx.createMediaStreamSource(phone.stream);
    phone.node = new AudioWorkletNode(phone.ctx, "ulaw-processor", { outputChannelCount: [1] });
    source.connect(phone.node);
    phone.node.connect(phone.ctx.destination);

    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const token = new URLSearchParams(location.search).get("token");
    const url = `${scheme}//${location.host}/api/softphone` + (token ? `?token=${encodeURIComponent(token)}` : "");
    const ws = new WebSocket(url);
    phone.ws = ws;
    setStatus("Calling…");
    phone.node.port.onmessage = (event) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      phone.framesOut++;
      ws.send(JSON.stringify({ event: "media", media: { payload: b64encode(event.data) } }));
    };
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.event === "start") {
        phone.callSid = msg.start.callSid;
        setStatus("Connected — speak after the agent's greeting. Call " + phone.callSid);
        document.body.dataset.callSid = phone.callSid;
      } else if (msg.event === "media") {
        phone.framesIn++;
        phone.node.port.postMessage({ type: "play", audio: b64decode(msg.media.payload) });
      } else if (msg.event === "clear") {
        phone.node.port.postMessage({ type: "clear" });
      } else if (msg.event === "stop") {
        setStatus("Call ended.");
      }
    };
    ws.onclose = () => {
      setStatus(phone.callSid ? "Call ended." : "Could not connect (are you signed in?).");
      hangUp();
    };
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target.closest("[data-softphone]") : null;
    if (!target) return;
    if (target.dataset.softphone === "call") call().catch((err) => setStatus("Error: " + err.message));
    if (target.dataset.softphone === "hangup") hangUp();
  });
})();
