/**
 * The online switch: Netty acquirer and issuer links, the Disruptor ring and its handlers (decode, switch,
 * journal, egress), switch state, security behind an Hsm interface, and clearing. See DESIGN.md §2-§6.
 */
package io.interchange.engine;
