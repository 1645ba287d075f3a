/**
 * The James adapter's root: {@link org.jamesspf.james.SpfHook}, the SMTP hook James loads from
 * smtpserver.xml (its name is a configuration contract), thin: it reads a transaction off James's
 * SMTP session ({@code Sessions}), hands it to {@code checks}, applies {@code policy}'s decision as
 * James's reply ({@code Replies}) and has {@code message} write on accepted mail. Packages below, each
 * importing only those after it: {@code webadmin} → {@code explain} → {@code message}, {@code checks}
 * → {@code config} → {@code policy} → {@code text}; the engine ({@code org.jamesspf.spf}) and the DNS
 * adapters ({@code org.jamesspf.dns}) under all of them.
 */
package org.jamesspf.james;
