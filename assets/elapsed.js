// A call duration that ticks client-side: one local timer per card, no server round trips.
import { createElement, useEffect, useState } from "react";

function format(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function Elapsed({ since }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const start = since ? Date.parse(since) : NaN;
  const text = Number.isNaN(start) ? "0:00" : format(now - start);
  return createElement("span", { className: "cc-elapsed", "aria-label": "duration" }, text);
}
