-- Who ended the call: caller, agent, api, supervisor or system (telephony.causes.CallEnder).
ALTER TABLE interactions ADD COLUMN ended_by text
    CHECK (ended_by IN ('caller', 'agent', 'api', 'supervisor', 'system'));
