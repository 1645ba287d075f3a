/**
 * What to do with SPF results, without I/O: the action for each identity and result
 * ({@link org.jamesspf.james.policy.ActionPolicy}), per recipient domain
 * ({@link org.jamesspf.james.policy.RecipientPolicy}); a transaction's results
 * ({@link org.jamesspf.james.policy.Verdict}), its exemption or the client a gateway recorded; and
 * {@link org.jamesspf.james.policy.Enforcement}, where a result becomes an SMTP reply, for the hook and
 * the explain route alike. Values only: uses the engine and {@code text}, nothing of James.
 */
package org.jamesspf.james.policy;
