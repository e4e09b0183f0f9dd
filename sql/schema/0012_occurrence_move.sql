-- Sociale Kaart — the daily move of the occurrence horizon, in steps.
-- Licensed under the EUPL
--
-- 0004's sk_occurrences_extend() moves the horizon for every recurring activity in one statement
-- while holding sk_occ_state FOR UPDATE. At 100,000 entries that statement runs past the
-- statement timeout (5 s), is cancelled, and is retried every 30 s for ever: the horizon never
-- moves, and every activity write waits for the lock meanwhile. A move now goes in steps of at
-- most 250 activities (each well under a second), by id, with its progress in sk_occ_move; the
-- horizon itself changes only with the last step (and with it the search index's catalogue, 0010).
--
-- An activity written while a move is under way is expanded to the horizon being moved to, so it
-- misses nothing once the move ends. sk_occ_move is locked FOR SHARE by such a write and FOR UPDATE
-- by a step, so a step never reads an activity that a write is still changing.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

CREATE TABLE sk_occ_move (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    moving_to  date,              -- NULL: no move under way
    done_after uuid               -- the activities up to this id have their occurrences to moving_to
);
INSERT INTO sk_occ_move DEFAULT VALUES;
