import { CometaError } from "@cometa/protocol";

/**
 * Codes of the errors the cluster layer reports:
 * - `BACKPLANE_UNAVAILABLE`: the backplane failed (publish error, lost
 *   connection); local delivery goes on, cross-node traffic is lost meanwhile.
 *   Reported through the server's `onError` once per outage.
 *
 * A dead or slow node is not an error: requests resolve with what arrived
 * (see `missingNodes` and the adapter's `partial-response` event).
 */
export type ClusterErrorCode = "BACKPLANE_UNAVAILABLE";

/** An error of the cluster layer (see {@link ClusterErrorCode}). */
export class ClusterError extends CometaError<ClusterErrorCode> {}
