/**
 * Reading and validating the {@code <handler>} element of smtpserver.xml: its structure
 * ({@code HandlerSchema}: every element known, old ones refused with what replaced them), its values
 * ({@code SpfHookConfigReader}, {@code ActionPolicyReader}, {@code CheckLimits}), each error a
 * {@code ConfigurationException} naming the element at fault, which stops James at start-up. The
 * result, {@link org.jamesspf.james.config.SpfHookConfig}, is a value. Uses {@code policy} (the values
 * it builds) and {@code text}; nothing of James but commons-configuration.
 */
package org.jamesspf.james.config;
