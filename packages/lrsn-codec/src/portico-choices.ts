/**
 * Message formats the public LRSN material leaves open (lrsn.md §5.3 and §7 mark them UNKNOWN), chosen by Portico and
 * kept here, in one place, so the server, the client and the inspector agree. The package README documents them; the
 * two messages' attributes are described, with every other message's, in schema.ts.
 *
 * PageRequestStatus — `<PageRequestStatus id="42" status="sent" ret="0"/>`, sent only to the client whose
 * `<PageRequest>` carried `id` (lrsn.md §5):
 * - `id`: the PageRequest's `id`, echoed exactly;
 * - `status`: how far the page got: `accepted` (the server took it; the LRSS serial protocol's CPG/PPG), `sent` (it
 *   went on the air; SCPG/SPPG) or `failed` (it will not be sent);
 * - `ret`: a result code: ESUCCESS for accepted and sent, the reason (EINVAL, EOPFAIL, EFAIL …) for failed.
 *
 * TableUpdateAck — `<TableUpdateAck id="17" ret="0"/>`, the client's answer to every `<TableUpdate>` (lrsn.md §7):
 * - `id`: the TableUpdate's `id`, echoed exactly;
 * - `ret`: ESUCCESS = "valid and accepted"; any other result code (EINVAL usually) = "invalid and not accepted".
 */
export const PAGE_REQUEST_STATUSES = ['accepted', 'sent', 'failed'] as const;
/** How far a page got: the `status` of `<PageRequestStatus>`, one of PAGE_REQUEST_STATUSES. */
export type PageRequestStatusValue = (typeof PAGE_REQUEST_STATUSES)[number];
