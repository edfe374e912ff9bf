-- One word for a leg that rang unanswered (telephony/causes.py): internal calls and click-to-calls stored
-- it as 'missed' while transfer segments and reports said 'no answer'. The calls already stored follow.
UPDATE interactions SET outcome = 'no answer' WHERE outcome = 'missed';
