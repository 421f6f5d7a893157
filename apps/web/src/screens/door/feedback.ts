let audio: AudioContext | null = null;

/**
 * A verdict you can hear and feel at a loud door: a high short tone for yes, a low long one for no,
 * two for "look at this"; and a buzz on phones that can. Silent where audio is not allowed yet.
 */
export function signal(kind: 'ok' | 'warn' | 'bad'): void {
  try {
    navigator.vibrate?.(kind === 'ok' ? 80 : kind === 'warn' ? [80, 60, 80] : 300);
  } catch {
    // Vibration is optional.
  }
  try {
    audio ??= new AudioContext();
    const tones =
      kind === 'ok'
        ? [[880, 0.12]]
        : kind === 'warn'
          ? [
              [660, 0.1],
              [660, 0.1],
            ]
          : [[220, 0.4]];
    let at = audio.currentTime;
    for (const [frequency, seconds] of tones) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency!;
      gain.gain.value = 0.2;
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + seconds!);
      at += seconds! + 0.08;
    }
  } catch {
    // No audio (a browser that has not been interacted with yet): the colour still tells.
  }
}
