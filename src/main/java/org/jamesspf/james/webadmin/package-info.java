/**
 * The WebAdmin route {@code GET /spf/explain} ({@link org.jamesspf.james.webadmin.SpfExplainRoutes}, a
 * configuration contract in {@code webadmin.properties}): query parameters in, the explain package's
 * answer out as JSON, bad parameters a 400 naming them. Uses {@code explain} and James's WebAdmin API.
 */
package org.jamesspf.james.webadmin;
