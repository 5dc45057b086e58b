/** Confirmation and refusal beeps with WebAudio: no sound files to ship. */
type Beep = 'ok' | 'refuse';

const TONES: Record<Beep, { freq: number; ms: number; type: OscillatorType }[]> = {
  ok: [
    { freq: 880, ms: 110, type: 'sine' },
    { freq: 1320, ms: 160, type: 'sine' },
  ],
  refuse: [{ freq: 220, ms: 380, type: 'triangle' }],
};
const VOLUME = 0.2;

export class Beeper {
  private ctx: AudioContext | null = null;

  constructor(public enabled: boolean) {}

  play(kind: Beep): void {
    if (!this.enabled) return;
    try {
      this.ctx ??= new AudioContext();
      // Browsers start audio suspended until a gesture; kiosk Chromium runs with autoplay allowed.
      void this.ctx.resume();
      let t = this.ctx.currentTime;
      for (const tone of TONES[kind]) {
        const osc = this.ctx.createOscillator();
        const gain = this.ctx.createGain();
        osc.type = tone.type;
        osc.frequency.value = tone.freq;
        gain.gain.setValueAtTime(VOLUME, t);
        gain.gain.exponentialRampToValueAtTime(0.001, t + tone.ms / 1000);
        osc.connect(gain).connect(this.ctx.destination);
        osc.start(t);
        osc.stop(t + tone.ms / 1000);
        t += tone.ms / 1000;
      }
    } catch {
      // No audio device: the screen still says it.
    }
  }
}
