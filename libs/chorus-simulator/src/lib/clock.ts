/**
 * The simulated time. Frozen by default (speed 0: it moves only when a test advances it); with a
 * speed s > 0 it runs s times faster than the wall clock from the last set/advance.
 */
export class SimulatorClock {
  private anchorSimMs: number;
  private anchorRealMs: number;
  private speedFactor: number;

  constructor(startMs: number, speed = 0) {
    this.anchorSimMs = startMs;
    this.anchorRealMs = Date.now();
    this.speedFactor = speed;
  }

  nowMs(): number {
    if (this.speedFactor === 0) {
      return this.anchorSimMs;
    }
    return Math.floor(this.anchorSimMs + (Date.now() - this.anchorRealMs) * this.speedFactor);
  }

  get speed(): number {
    return this.speedFactor;
  }

  set(ms: number): number {
    if (!Number.isFinite(ms)) {
      throw new RangeError('The clock needs a finite instant');
    }
    this.anchorSimMs = ms;
    this.anchorRealMs = Date.now();
    return ms;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms)) {
      throw new RangeError('The clock advances by a finite duration');
    }
    return this.set(this.nowMs() + ms);
  }

  setSpeed(speed: number): void {
    if (!(speed >= 0) || !Number.isFinite(speed)) {
      throw new RangeError('The clock speed is a finite number ≥ 0');
    }
    this.set(this.nowMs());
    this.speedFactor = speed;
  }
}
