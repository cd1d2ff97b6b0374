/** A loss or gradient norm that is NaN or ±Inf: the run pauses with this error. */
export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly gradNorm: number,
  ) {
    super(`non-finite ${Number.isFinite(loss) ? 'gradient norm' : 'loss'} at step ${step} (loss ${loss}, grad norm ${gradNorm})`);
    this.name = 'NonFiniteError';
  }
}
