/**
 * What is written on accepted mail: the mail attributes (their names are the plugin's public
 * contract, {@link org.jamesspf.james.message.MailAttributes}), the Received-SPF and
 * Authentication-Results fields ({@link org.jamesspf.james.message.HeaderRenderer}, every value by its
 * slot's grammar) and where they go (above every field, forged Authentication-Results of our
 * authserv-id removed, in work linear in the fields). Uses {@code config}, {@code policy},
 * {@code text} and James's mail API.
 */
package org.jamesspf.james.message;
