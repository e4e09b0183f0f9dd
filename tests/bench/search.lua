-- wrk script: resident searches (tests/bench/search.sh).
--
-- BENCH_MIX=uniform (default): the worst case for the daemon's response cache — every parameter
-- drawn uniformly at random, so nearly every request is a new search:
--   45 % text + area + theme (+ accessibility) + a week window, results only
--   30 % near me: a point in one of the two municipalities, a radius, sometimes a kind
--   25 % facets: area + theme (+ free) with the facet counts a front end shows
-- BENCH_CLASS=text|near|facets (environment) limits the uniform mix to one class.
--
-- BENCH_MIX=residents: what residents do, with realistic repetition. Wijk, theme, week and word
-- are drawn Zipf-like (the k-th most popular with weight 1/k: a few wijken, themes and words get
-- most of the traffic, this week far more than later weeks):
--   20 % "what is on": an activity list of a municipality for this or next week (the home page)
--   35 % browse: wijk + theme + week window with facet counts
--   25 % text: a popular word, half the time within a wijk, results only
--   20 % near me: a random point (a phone's location, never the same twice), radius, distance
--
-- Both count answers by status and X-Cache (hit|miss) and print them at the end:
--   "bench: requests N non2xx N cache_hits N"
local areas = {"GM0512-binnenstad", "GM0512-west", "GM0512-lingewijk", "GM0512-haarwijk", "GM0512-wijdschild",
               "GM0512-gildenwijk", "GM0512-dalem", "GM0512-laag-dalem", "GM0512-hoog-dalem", "GM0668-alphen",
               "GM0668-altforst", "GM0668-appeltern", "GM0668-beneden-leeuwen", "GM0668-boven-leeuwen",
               "GM0668-dreumel", "GM0668-maasbommel", "GM0668-wamel"}
local themes = {"ontmoeten", "beweging", "gezonde-leefstijl", "mantelzorg", "vrije-tijd", "leren",
                "betrokken-samenleving", "informatie-advies", "meedoen", "omzien-naar-elkaar"}
local words = {"koffie", "wandelen", "taalcafe", "eten", "yoga", "mantelzorg", "repair", "beweeg", "buurthuis",
               "eenzaamheid", "computer", "zingen", "koken", "kaarten", "ouderen", "jongeren", "fiets", "dans"}
local points = {{51.8306, 4.9742}, {51.8395, 4.9655}, {51.8285, 5.0060}, {51.8480, 5.4350}, {51.8900, 5.5050},
                {51.8250, 5.4620}}
local kinds = {"", "", "&kind=activities", "&kind=places", "&kind=carer-support,vacancies"}
local only = os.getenv("BENCH_CLASS")
if only == "" then only = nil end
local mix = os.getenv("BENCH_MIX") or "uniform"
local weeks = {}

-- per thread (each wrk thread has its own Lua state); done() adds them up
requests_n = 0
non2xx_n = 0
hits_n = 0

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(os.time() + math.floor(os.clock() * 1000000) + math.random(1000000))
    local today = os.time()
    for k = 0, 7 do
        weeks[k + 1] = {os.date("!%Y-%m-%d", today + k * 7 * 86400), os.date("!%Y-%m-%d", today + (k + 1) * 7 * 86400)}
    end
end

local function pick(t) return t[math.random(#t)] end

-- Zipf-like choice: the k-th element with weight 1/k (the lists above are in popularity order)
local function zipf(t)
    local total = 0
    for k = 1, #t do total = total + 1 / k end
    local r = math.random() * total
    for k = 1, #t do
        r = r - 1 / k
        if r <= 0 then return t[k] end
    end
    return t[#t]
end

local function text()
    local w = pick(weeks)
    local access = math.random() < 0.5 and "&access=wheelchair" or ""
    return string.format("/api/v1/search?q=%s&area=%s&theme=%s%s&from=%s&to=%s&facets=false",
                         pick(words), pick(areas), pick(themes), access, w[1], w[2])
end

local function near()
    local p = pick(points)
    return string.format("/api/v1/search?near=%.5f,%.5f&radius=%d%s&facets=false",
                         p[1] + (math.random() - 0.5) * 0.01, p[2] + (math.random() - 0.5) * 0.01,
                         pick({500, 1000, 2000}), pick(kinds))
end

local function facets()
    local free = math.random() < 0.3 and "&free=true" or ""
    return string.format("/api/v1/search?area=%s&theme=%s%s&limit=20", pick(areas), pick(themes), free)
end

-- residents: this week most, next week less, later weeks rarely
local function resident_week()
    return zipf({weeks[1], weeks[2], weeks[3], weeks[4]})
end

local function resident()
    local r = math.random()
    if r < 0.20 then
        local w = resident_week()
        return string.format("/api/v1/activities?municipality=%s&from=%s&to=%s",
                             zipf({"GM0512", "GM0668"}), w[1], w[2])
    elseif r < 0.55 then
        local w = resident_week()
        return string.format("/api/v1/search?area=%s&theme=%s&from=%s&to=%s&limit=20",
                             zipf(areas), zipf(themes), w[1], w[2])
    elseif r < 0.80 then
        local area = math.random() < 0.5 and ("&area=" .. zipf(areas)) or ""
        return string.format("/api/v1/search?q=%s%s&facets=false", zipf(words), area)
    else
        return near()
    end
end

function request()
    local path
    if mix == "residents" then
        path = resident()
    else
        local r = math.random()
        if only == "text" or (only == nil and r < 0.45) then
            path = text()
        elseif only == "near" or (only == nil and r < 0.75) then
            path = near()
        else
            path = facets()
        end
    end
    return wrk.format("GET", path)
end

function response(status, headers, body)
    requests_n = requests_n + 1
    if status < 200 or status > 299 then
        non2xx_n = non2xx_n + 1
        if non2xx_n <= 3 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
    end
    local xc = headers["X-Cache"] or headers["x-cache"]
    if xc == "hit" then hits_n = hits_n + 1 end
end

function done(summary, latency, requests)
    local n, bad, hits = 0, 0, 0
    for _, t in ipairs(threads) do
        n = n + (tonumber(t:get("requests_n")) or 0)
        bad = bad + (tonumber(t:get("non2xx_n")) or 0)
        hits = hits + (tonumber(t:get("hits_n")) or 0)
    end
    io.write(string.format("bench: requests %d non2xx %d cache_hits %d\n", n, bad, hits))
end
