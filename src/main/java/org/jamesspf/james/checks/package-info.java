/**
 * Running SPF checks beside James's I/O threads: {@link org.jamesspf.james.checks.SpfChecks} starts a
 * transaction's checks as each identity is known, with those verifying a claimed exemption, and turns
 * them into a verdict within the wait bound; for a trusted gateway, of the client its Received field
 * names. Inside: the scheduler (evaluations shared, capped per network and domain, budgeted, outcomes
 * kept), the DNS path (where DNS is asked), the metrics and the evaluation log lines. Uses
 * {@code config}, {@code policy}, {@code text}, the engine and the DNS adapters; of James only its
 * DNSService and metrics API, never an SMTP type.
 */
package org.jamesspf.james.checks;
