import { buildRequest, type DataframeRequest } from '@portico/pq-codec';
import type { MeasurementRequest } from './types.js';

/**
 * The 'D' message for a request: a complete DataframeRequest is sent as it is (so a proxy relays its client's request
 * byte for byte); plain values go through the codec's `buildRequest` (PQ-04 "transfers all necessary data").
 */
export function toRequestMessage(request: MeasurementRequest): DataframeRequest {
  if ('type' in request && request.type === 'DataframeRequest') return request;
  return buildRequest(request);
}
