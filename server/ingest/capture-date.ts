/** The acquisition-date rule every ingest path shares (HTTP upload, CLI folder ingest, the seed). */
import { ProcessingError } from '../../processing/errors.ts';

/** A day of slack for clocks and for a capture dated in local time east of UTC. */
const FUTURE_SLACK_MS = 86_400_000;

/**
 * A capture cannot be dated after now: such a date is a typo (2205 for 2025, in a form or a file name)
 * that would sort the image last and make it the reference every later image is scored against.
 */
export function refuseFutureCapture(acquiredAt: string, now = Date.now()): void {
  if (Date.parse(acquiredAt) > now + FUTURE_SLACK_MS) {
    throw new ProcessingError('future_date', `acquiredAt ${acquiredAt} is in the future`, 'acquiredAt');
  }
}
