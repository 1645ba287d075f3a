/**
 * Text from the network made safe to write: the sanitiser every client- or DNS-supplied value goes
 * through before an SMTP reply, a header field, a mail attribute or a log line (no CR, LF or control
 * character, ASCII, bounded), and the header-value grammar (RFC 5322, RFC 2045, RFC 8601) that says
 * what is written as it is and what is quoted. The bottom of the James side: uses only the engine.
 */
package org.jamesspf.james.text;
