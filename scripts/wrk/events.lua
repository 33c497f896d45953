-- POSTs the event bodies of $BODIES (one JSON body a line) in turn to /api/v1/events; $DELAY_MS (default 0) waits
-- before each request of a connection, to hold a rate: connections × 1000 / DELAY_MS requests a second at most.
local bodies = {}
local next_body = 0
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")

function init(args)
    for line in io.lines(os.getenv("BODIES")) do
        if #line > 0 then bodies[#bodies + 1] = line end
    end
    next_body = math.random(#bodies)
end

function request()
    next_body = next_body % #bodies + 1
    return wrk.format("POST", "/api/v1/events", { ["Content-Type"] = "application/json" }, bodies[next_body])
end

function delay()
    return delay_ms
end
