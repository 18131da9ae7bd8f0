// The browser softphone: calls the agent over WS /api/softphone using Twilio's Media Streams
// message format (20 ms μ-law frames), plays the agent back and honours `clear`. While the page
// is open it also waits on standby (`?standby=1`): an outbound call to its number rings it with
// an "Incoming call" banner, and answering makes the microphone the callee.
(function () {
  const STATIC = "/api/softphone/static/";
  const STANDBY_RETRY_MS = 2000;

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

  // The call's clock, the microphone's level, and the call's id for the page's transcript.
  function showTimer(text) {
    const el = document.getElementById("softphone-timer");
    if (el) el.textContent = text;
  }

  function startTimer() {
    const started = Date.now();
    stopTimer();
    showTimer("0:00");
    phone.timer = setInterval(() => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      showTimer(Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0"));
    }, 1000);
  }

  function stopTimer() {
    if (phone.timer) clearInterval(phone.timer);
    phone.timer = null;
  }

  function showLevel(level) {
    const bar = document.getElementById("softphone-level-bar");
    const meter = document.getElementById("softphone-level");
    const percent = Math.round(Math.min(1, level) * 100);
    if (bar) bar.style.width = percent + "%";
    if (meter) meter.setAttribute("aria-valuenow", String(percent));
  }

  function watchLevel(source) {
    const analyser = phone.ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      if (!phone.ctx) return showLevel(0);
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
      showLevel(Math.sqrt(sum / samples.length) * 4); // speech sits around 0.05–0.25 RMS
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  // Tell the page which call this is (a React-controlled field, so set it the React way).
  function announceCall(callSid) {
    const field = document.getElementById("softphone-call-sid");
    if (!field) return;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(field, callSid);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function showBanner(text) {
    const banner = document.getElementById("softphone-incoming");
    const label = document.getElementById("softphone-incoming-text");
    if (label && text) label.textContent = text;
    if (banner) banner.style.display = text ? "flex" : "none";
  }

  const phone = {
    ws: null, ctx: null, stream: null, node: null, callSid: "", framesIn: 0, framesOut: 0,
    standby: null, ringing: null, number: "", timer: null,
  };
  window.callcenterSoftphone = phone;

  function socketUrl(query) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams(query);
    const token = new URLSearchParams(location.search).get("token");
    if (token) params.set("token", token);
    const text = params.toString();
    return `${scheme}//${location.host}/api/softphone` + (text ? "?" + text : "");
  }

  async function startAudio() {
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
    watchLevel(source);
  }

  async function stopAudio() {
    if (phone.stream) phone.stream.getTracks().forEach((t) => t.stop());
    if (phone.ctx) await phone.ctx.close();
    phone.ctx = phone.stream = phone.node = null;
    showLevel(0);
  }

  // The socket carries a call from here on: microphone out, agent audio in.
  function attachCall(ws) {
    phone.ws = ws;
    phone.node.port.onmessage = (event) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      phone.framesOut++;
      ws.send(JSON.stringify({ event: "media", media: { payload: b64encode(event.data) } }));
    };
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.event === "start") {
        phone.callSid = msg.start.callSid;
        setStatus("Connected — speak after the agent's greeting.");
        document.body.dataset.callSid = phone.callSid;
        startTimer();
        announceCall(phone.callSid);
      } else if (msg.event === "media") {
        phone.framesIn++;
        phone.node.port.postMessage({ type: "play", audio: b64decode(msg.media.payload) });
      } else if (msg.event === "clear") {
        phone.node.port.postMessage({ type: "clear" });
      } else if (msg.event === "stop") {
        setStatus("Call ended.");
        stopTimer();
      }
    };
    ws.onclose = () => {
      setStatus(phone.callSid ? "Call ended." : "Could not connect (are you signed in?).");
      stopTimer();
      hangUp();
    };
  }

  async function hangUp() {
    if (phone.ws && phone.ws.readyState === WebSocket.OPEN) {
      phone.ws.send(JSON.stringify({ event: "stop" }));
      phone.ws.close();
    }
    const wasOnCall = phone.ws !== null;
    phone.ws = null;
    await stopAudio();
    if (wasOnCall) setTimeout(standBy, STANDBY_RETRY_MS);
  }

  async function call() {
    if (phone.ws) return;
    closeStandby();
    await startAudio();
    setStatus("Calling…");
    attachCall(new WebSocket(socketUrl({})));
  }

  // -- standby: be rung by outbound calls -------------------------------------------------

  function standBy() {
    if (phone.standby || phone.ws) return;
    const everyCall = document.getElementById("softphone-ring-any");
    const query = { standby: "1" };
    if (everyCall && everyCall.checked) query.ring = "any";
    const ws = new WebSocket(socketUrl(query));
    phone.standby = ws;
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.event === "standby") {
        phone.number = msg.standby.number;
        const el = document.getElementById("softphone-number");
        if (el) el.textContent = phone.number;
      } else if (msg.event === "incoming") {
        phone.ringing = msg.incoming;
        showBanner("Incoming call from " + msg.incoming.from);
      } else if (msg.event === "cancel") {
        phone.ringing = null;
        showBanner("");
        setStatus("Missed call.");
      }
    };
    ws.onclose = (event) => {
      if (phone.standby !== ws) return;
      phone.standby = null;
      phone.ringing = null;
      showBanner("");
      // 4401: not signed in; 1011: a real carrier, whose calls ring real phones.
      const final = event.code === 4401 || event.code === 1011;
      if (!phone.ws && !final) setTimeout(standBy, STANDBY_RETRY_MS);
    };
  }

  function closeStandby() {
    const ws = phone.standby;
    phone.standby = null;
    if (ws) ws.close();
  }

  async function answer() {
    const ws = phone.standby;
    if (!ws || !phone.ringing) return;
    showBanner("");
    phone.ringing = null;
    await startAudio();
    phone.standby = null; // this socket now carries the call
    attachCall(ws);
    setStatus("Answering…");
    ws.send(JSON.stringify({ event: "answer" }));
  }

  function decline() {
    if (!phone.standby || !phone.ringing) return;
    phone.standby.send(JSON.stringify({ event: "decline" }));
    phone.ringing = null;
    showBanner("");
    setStatus("Call declined.");
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target.closest("[data-softphone]") : null;
    if (!target) return;
    const action = target.dataset.softphone;
    const fail = (err) => setStatus("Error: " + err.message);
    if (action === "call") call().catch(fail);
    if (action === "hangup") hangUp();
    if (action === "answer") answer().catch(fail);
    if (action === "decline") decline();
  });

  document.addEventListener("change", (event) => {
    if (event.target && event.target.id === "softphone-ring-any" && !phone.ws) {
      closeStandby();
      standBy();
    }
  });

  standBy();
})();
