// AudioWorklet for the browser softphone: microphone → 20 ms μ-law frames at 8 kHz, and
// agent μ-law audio → the speaker, with `clear` dropping whatever is still queued.

const BIAS = 0x84;
const CLIP = 32635;

function encodeSample(sample) {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample * 32767)));
  const sign = pcm < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(pcm), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeByte(code) {
  const u = ~code & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << ((u >> 4) & 0x07)) - BIAS;
  return ((u & 0x80) ? -magnitude : magnitude) / 32768;
}

class UlawProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / 8000; // input samples per 8 kHz sample
    this.phase = 0;
    this.frame = new Uint8Array(160);
    this.filled = 0;
    this.playback = []; // Float32Array chunks at 8 kHz
    this.playPos = 0; // fractional position in the head chunk
    this.port.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "play") {
        const bytes = msg.audio;
        const out = new Float32Array(bytes.length);
        for (let i = 0; i < bytes.length; i++) out[i] = decodeByte(bytes[i]);
        this.playback.push(out);
      } else if (msg.type === "clear") {
        this.playback = [];
        this.playPos = 0;
      }
    };
  }

  capture(input) {
    // Decimate to 8 kHz by averaging the input samples each output sample covers.
    let acc = 0;
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      acc += input[i];
      n++;
      this.phase += 1;
      if (this.phase >= this.step) {
        this.phase -= this.step;
        this.frame[this.filled++] = encodeSample(acc / n);
        acc = 0;
        n = 0;
        if (this.filled === 160) {
          this.port.postMessage(this.frame.slice(0));
          this.filled = 0;
        }
      }
    }
  }

  play(output) {
    const rate = 8000 / sampleRate;
    for (let i = 0; i < output.length; i++) {
      if (this.playback.length === 0) {
        output[i] = 0;
        continue;
      }
      const head = this.playback[0];
      output[i] = head[Math.floor(this.playPos)];
      this.playPos += rate;
      if (this.playPos >= head.length) {
        this.playPos -= head.length;
        this.playback.shift();
      }
    }
  }

  process(inputs, outputs) {
    if (inputs[0] && inputs[0][0]) this.capture(inputs[0][0]);
    if (outputs[0]) {
      this.play(outputs[0][0]);
      for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(outputs[0][0]);
    }
    return true;
  }
}

registerProcessor("ulaw-processor", UlawProcessor);
