-- wrk script: a mix of typical resident searches (tests/bench/search.sh).
--   45 % text + area + theme (+ accessibility) + a week window, results only
--   30 % near me: a point in one of the two municipalities, a radius, sometimes a kind
--   25 % facets: area + theme (+ free) with the facet counts a front end shows
-- BENCH_CLASS=text|near|facets (environment) limits the mix to one class.
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
local weeks = {}

function init(args)
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
    local today = os.time()
    for k = 0, 7 do
        weeks[k + 1] = {os.date("!%Y-%m-%d", today + k * 7 * 86400), os.date("!%Y-%m-%d", today + (k + 1) * 7 * 86400)}
    end
end

local function pick(t) return t[math.random(#t)] end

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

function request()
    local r = math.random()
    local path
    if only == "text" or (only == nil and r < 0.45) then
        path = text()
    elseif only == "near" or (only == nil and r < 0.75) then
        path = near()
    else
        path = facets()
    end
    return wrk.format("GET", path)
end

local non200 = 0
function response(status, headers, body)
    if status ~= 200 then
        non200 = non200 + 1
        if non200 <= 3 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
    end
end
