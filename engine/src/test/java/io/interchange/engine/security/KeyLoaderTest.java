package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.checkValue;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.interchange.codec.cups.WorkingKeys;
import io.interchange.engine.config.Status;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.config.TerminalConfig;

/** The configured terminal master keys into an HSM, in the slots KeySlots gives each terminal. */
class KeyLoaderTest
{
    @Test
    void shouldLoadTheDemoTerminalsMasterKeys() throws GeneralSecurityException
    {
        final SwitchConfig config = SwitchConfig.defaults();
        final KeySlots slots = new KeySlots(config.terminals().size(), config.issuers().size(), config.listeners().size());
        final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(slots.capacity());
        assertEquals(config.terminals().size(), KeyLoader.loadMasterKeys(hsm, slots, config.terminals()));

        final UnsafeBuffer check = new UnsafeBuffer(new byte[Hsm.CHECK_VALUE_LENGTH]);
        final UnsafeBuffer field62 = new UnsafeBuffer(new byte[WorkingKeys.DOUBLE_LENGTH]);
        for (int t = 0; t < config.terminals().size(); t++)
        {
            final String id = config.terminals().get(t).id();
            assertEquals(HsmResult.OK, hsm.checkValue(slots.terminalMasterKey(t), check, 0), id);
            assertEquals(checkValue(hex(config.terminals().get(t).masterKey())), hex(check.byteArray()), id);
            assertEquals(HsmResult.OK, hsm.generateWorkingKeys(slots.terminalMasterKey(t), slots.terminalPinKey(t), slots.terminalMacKey(t),
                slots.terminalTrackKey(t), WorkingKeys.DOUBLE_LENGTH, field62, 0), id + " signs on");
        }
    }

    @Test
    void shouldSkipTerminalsWithoutAMasterKeyAndRefuseAMismatchedLayout()
    {
        final List<TerminalConfig> terminals = new ArrayList<>();
        terminals.add(new TerminalConfig("TERM0001", "MERCHANT0000001", Status.ACTIVE, null));
        terminals.add(new TerminalConfig("TERM0002", "MERCHANT0000001", Status.ACTIVE, "0123456789ABCDEFFEDCBA9876543210"));
        final KeySlots slots = new KeySlots(2, 0, 0);
        final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(slots.capacity());
        assertEquals(1, KeyLoader.loadMasterKeys(hsm, slots, terminals));
        final UnsafeBuffer check = new UnsafeBuffer(new byte[Hsm.CHECK_VALUE_LENGTH]);
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.checkValue(slots.terminalMasterKey(0), check, 0));
        assertEquals(HsmResult.OK, hsm.checkValue(slots.terminalMasterKey(1), check, 0));

        assertThrows(IllegalArgumentException.class, () -> KeyLoader.loadMasterKeys(hsm, new KeySlots(3, 0, 0), terminals));
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> KeyLoader.loadMasterKeys(SoftwareHsm.withRandomLmk(1), slots, terminals), "slot 3 is past a one-slot HSM");
        assertFalse(refused.getMessage().contains("0123456789ABCDEF"), "the message names the terminal, never the key");
    }

    @Test
    void shouldGiveEveryKeyItsOwnSlot()
    {
        final KeySlots slots = new KeySlots(5, 3, 2);
        final Set<Integer> ids = new HashSet<>();
        for (int t = 0; t < 5; t++)
        {
            ids.add(slots.terminalMasterKey(t));
            ids.add(slots.terminalPinKey(t));
            ids.add(slots.terminalMacKey(t));
            ids.add(slots.terminalTrackKey(t));
        }
        for (int i = 0; i < 3; i++)
        {
            ids.add(slots.issuerPinKey(i));
            ids.add(slots.issuerMacKey(i));
        }
        for (int a = 0; a < 2; a++)
        {
            ids.add(slots.acquirerMasterKey(a));
            ids.add(slots.acquirerPinKey(a));
            ids.add(slots.acquirerMacKey(a));
            ids.add(slots.acquirerPreviousPinKey(a));
            ids.add(slots.acquirerPreviousMacKey(a));
        }
        assertEquals(slots.capacity(), ids.size());
        assertTrue(ids.stream().allMatch(id -> id >= 0 && id < slots.capacity()));
        assertThrows(IndexOutOfBoundsException.class, () -> slots.terminalPinKey(5));
        assertThrows(IndexOutOfBoundsException.class, () -> slots.issuerPinKey(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> slots.acquirerMacKey(2));
        assertThrows(IndexOutOfBoundsException.class, () -> slots.acquirerPreviousMacKey(2));
    }
}
