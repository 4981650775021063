// Playback: moves the current step forward on a clock that runs `speed` times
// faster than the recording, with the gaps of src/core/replay/playback.ts.
// Several steps can pass in one frame at high speed.

import { gapBefore } from '../../src/core/replay/playback';

export { SPEEDS } from '../../src/core/replay/playback';

export interface PlayerHost {
  count(): number;
  offsetAt(index: number): number | null;
  position(): number;
  moveTo(index: number): void;
  onPlayingChange(playing: boolean): void;
}

export class Player {
  private frame = 0;
  private last = 0;
  private elapsed = 0;
  private _playing = false;
  speed = 1;

  constructor(private readonly host: PlayerHost) {}

  get playing(): boolean {
    return this._playing;
  }

  toggle(): void {
    if (this._playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this._playing || this.host.count() === 0) return;
    // At the end: start again from the first step.
    if (this.host.position() >= this.host.count() - 1) this.host.moveTo(0);
    this._playing = true;
    this.elapsed = 0;
    this.last = performance.now();
    this.frame = requestAnimationFrame((t) => this.tick(t));
    this.host.onPlayingChange(true);
  }

  pause(): void {
    if (!this._playing) return;
    this._playing = false;
    cancelAnimationFrame(this.frame);
    this.host.onPlayingChange(false);
  }

  /** A manual move while playing: the clock restarts from the new step. */
  resetClock(): void {
    this.elapsed = 0;
  }

  private tick(now: number): void {
    if (!this._playing) return;
    const dt = Math.min(250, Math.max(0, now - this.last));
    this.last = now;
    this.elapsed += dt * this.speed;
    let position = this.host.position();
    const count = this.host.count();
    let moved = false;
    while (position < count - 1) {
      const gap = gapBefore((i) => this.host.offsetAt(i), position + 1);
      if (this.elapsed < gap) break;
      this.elapsed -= gap;
      position++;
      moved = true;
    }
    if (moved) this.host.moveTo(position);
    if (position >= count - 1) {
      this.pause();
      return;
    }
    this.frame = requestAnimationFrame((t) => this.tick(t));
  }
}
