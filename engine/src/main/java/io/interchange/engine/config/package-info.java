/**
 * The switch's configuration: a HOCON file read with Typesafe Config over the embedded defaults
 * ({@code defaults.conf} beside these classes, a demo that runs on one machine), checked completely, and handed to
 * the engine as immutable records starting at {@link io.interchange.engine.config.SwitchConfig}. Nothing outside this
 * package sees a Typesafe {@code Config}.
 *
 * <p>A file says only what it changes. Objects merge key by key; lists replace the default list whole, unless the
 * file appends with {@code +=}. Substitutions resolve after the merge, so {@code ${interchange.node-id}} sees the
 * defaults and {@code ${?PAN_KEY}} reads the environment, which keeps real keys out of the file. An {@code include}
 * of a file that is not there is skipped, as HOCON says; {@code include required("keys.conf")} is not.
 *
 * <pre>
 * interchange {
 *   node-id = "SW01"
 *   loopback-only = false
 *   listeners = [ { name = "pos-cups", host = "0.0.0.0", port = 5000, dialect = "cups", framing = "unionpay-pos",
 *                   acquirer-id = "10000001", allow = ["10.20.0.0/16"], idle-timeout = 120s, max-frame = 4096, mac = true }
 *                 { name = "host-1", host = "0.0.0.0", port = 5001, dialect = "iso87b", framing = "binary-2",
 *                   acquirer-id = "10000003", allow = ["10.30.0.5/32"], idle-timeout = 300s, max-frame = 4096, mac = true,
 *                   master-key = ${HOST_1_ZONE_MASTER_KEY} } ]
 *   keys { pan-encryption = ${PAN_ENCRYPTION_KEY}, pan-hash = ${PAN_HASH_KEY} }
 * }
 * </pre>
 *
 * <p>Whatever is wrong is reported at once, one {@code file:line: key: reason} line each, in a
 * {@link io.interchange.engine.config.ConfigError}: missing keys, wrong types, values out of range, unknown dialect
 * or framing names, duplicate ids, references to merchants, issuers or acquirers that do not exist, overlapping BIN
 * ranges, malformed hex keys, addresses off loopback while {@code loopback-only = true}, the published demo keys
 * while it is false, and keys the schema does not have (with the nearest known one, for typos).
 */
package io.interchange.engine.config;
