/** Errors of webhook deliveries and trigger management, with stable codes and their HTTP status. */
import { DemitonError } from '../domain/errors';

/**
 * A delivery failed verification. The answer is the same whatever failed (missing header, bad
 * signature, stale timestamp, wrong token): `reason` is for the trigger's own log and counter only.
 */
export class DeliveryUnverifiedError extends DemitonError {
  readonly code = 'delivery_unverified';
  readonly httpStatus = 401;
  constructor(readonly reason: string) {
    super('The delivery could not be verified.');
  }
}

/** A trigger received more deliveries than its per-minute limit. Retryable after `retryAfterSeconds`. */
export class TriggerRateLimitedError extends DemitonError {
  readonly code = 'trigger_rate_limited';
  readonly httpStatus = 429;
  override readonly retryable = true;
  constructor(
    readonly limitPerMinute: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`This trigger accepts ${limitPerMinute} deliveries per minute; try again in ${retryAfterSeconds} s.`);
  }
}

/** A verified delivery that cannot be turned into events: not the schema its format expects, or no delivery id. */
export class InvalidDeliveryError extends DemitonError {
  readonly httpStatus = 400;
  constructor(
    readonly code: 'invalid_event' | 'delivery_id_missing' | 'malformed_body',
    message: string,
  ) {
    super(message);
  }
}

/** The trigger's input mapping or filter failed on a delivery, or did not give an object. */
export class MappingFailedError extends DemitonError {
  readonly code = 'trigger_mapping_failed';
  readonly httpStatus = 422;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
