/**
 * The explain route's engine: what a running hook would do with one transaction, step by step
 * (every DNS query and answer, the trace, the claimed exemptions and their checks, the decision, the
 * reply and the headers), from the hook's own configuration, resolver and decision rule, beside the
 * SMTP path. {@link org.jamesspf.james.explain.ExplainerRegistry} holds the live hooks' explainers and
 * bounds the requests answered at once. Uses {@code checks}, {@code message}, {@code config},
 * {@code policy} and {@code text}.
 */
package org.jamesspf.james.explain;
