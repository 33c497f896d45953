/// A theme of the synthetic catalogue. It drives names, tags, categories, thumbnail look and users' tastes, so
/// that every algorithm has real structure to find (and evaluation has a hidden truth to check against).
public struct Topic: Sendable {
    public enum ShapeStyle: Sendable, CaseIterable { case discs, boxes, triangles, stripes, rings, diamonds }

    public var name: String
    public var categories: [String]
    public var adjectives: [String]
    public var nouns: [String]
    public var tags: [String]
    public var palette: [(UInt8, UInt8, UInt8)]
    public var style: ShapeStyle
    /// Relative share of models and of users' attention.
    public var weight: Double
}

public enum Topics {
    public static let generalTags = ["blender", "lowpoly", "pbr", "substance-painter", "game-ready", "free",
                                     "3dsmax", "zbrush", "maya", "handpainted", "photogrammetry", "wip",
                                     "fanart", "gameart", "stylized", "realistic"]

    public static let all: [Topic] = [
        Topic(name: "cars", categories: ["cars-vehicles"],
              adjectives: ["Vintage", "Rally", "Muscle", "Electric", "Custom", "Classic", "Racing", "Off-road"],
              nouns: ["Coupe", "Roadster", "Pickup Truck", "Hatchback", "Sports Car", "Van", "Motorbike", "Taxi"],
              tags: ["car", "vehicle", "automotive", "racing", "wheels", "sportscar", "truck", "motorcycle"],
              palette: [(200, 30, 35), (240, 240, 240), (30, 30, 40), (250, 180, 0)], style: .boxes, weight: 1.3),
        Topic(name: "dragons", categories: ["characters-creatures"],
              adjectives: ["Ancient", "Frost", "Fire", "Shadow", "Emerald", "Baby", "Elder", "Storm"],
              nouns: ["Dragon", "Wyvern", "Drake", "Serpent", "Hydra", "Dragon Skull", "Wyrm"],
              tags: ["dragon", "fantasy", "creature", "monster", "wings", "scales", "beast", "mythology"],
              palette: [(20, 90, 40), (120, 200, 60), (60, 20, 20), (230, 120, 20)], style: .triangles, weight: 1.0),
        Topic(name: "museum scans", categories: ["cultural-heritage-history"],
              adjectives: ["Roman", "Egyptian", "Medieval", "Greek", "Bronze Age", "Baroque", "Mayan"],
              nouns: ["Bust", "Statue", "Sarcophagus", "Amphora", "Relief", "Capital", "Altar", "Tombstone"],
              tags: ["scan", "museum", "heritage", "history", "sculpture", "archaeology", "statue", "marble"],
              palette: [(210, 200, 180), (150, 130, 100), (90, 80, 70), (240, 235, 220)], style: .rings, weight: 1.1),
        Topic(name: "sci-fi", categories: ["science-technology", "weapons-military"],
              adjectives: ["Orbital", "Cyber", "Plasma", "Stealth", "Galactic", "Derelict", "Quantum"],
              nouns: ["Spaceship", "Corridor", "Blaster", "Space Station", "Fighter", "Drone", "Helmet"],
              tags: ["scifi", "spaceship", "space", "futuristic", "cyberpunk", "mech", "laser", "hardsurface"],
              palette: [(10, 20, 60), (0, 200, 255), (180, 0, 255), (220, 220, 230)], style: .stripes, weight: 1.2),
        Topic(name: "food", categories: ["food-drink"],
              adjectives: ["Fresh", "Homemade", "Glazed", "Spicy", "Sweet", "Grilled", "Crispy"],
              nouns: ["Donut", "Burger", "Cake", "Sushi Plate", "Pizza", "Croissant", "Apple", "Ramen Bowl"],
              tags: ["food", "dessert", "fruit", "kitchen", "restaurant", "snack", "bakery", "meal"],
              palette: [(250, 200, 120), (200, 80, 40), (255, 240, 200), (120, 60, 20)], style: .discs, weight: 0.8),
        Topic(name: "interiors", categories: ["architecture", "furniture-home"],
              adjectives: ["Cozy", "Modern", "Scandinavian", "Loft", "Victorian", "Minimal", "Japanese"],
              nouns: ["Living Room", "Kitchen", "Bedroom", "Office", "Bathroom", "Studio Apartment", "Library"],
              tags: ["interior", "room", "furniture", "archviz", "house", "design", "apartment", "lighting"],
              palette: [(230, 220, 200), (160, 120, 80), (90, 110, 100), (250, 250, 245)], style: .boxes, weight: 0.9),
        Topic(name: "anime characters", categories: ["characters-creatures", "people"],
              adjectives: ["Chibi", "Magical", "Samurai", "School", "Idol", "Ninja", "Pirate"],
              nouns: ["Girl", "Knight", "Mage", "Hero", "Fan Art", "Warrior", "Princess"],
              tags: ["anime", "character", "girl", "manga", "cute", "chibi", "fanart", "toon"],
              palette: [(255, 170, 200), (120, 160, 255), (255, 240, 250), (60, 40, 90)], style: .discs, weight: 1.4),
        Topic(name: "weapons", categories: ["weapons-military"],
              adjectives: ["Tactical", "Rusty", "Ornate", "Viking", "Elven", "Modern", "WWII"],
              nouns: ["Sword", "Rifle", "Axe", "Pistol", "Shield", "Bow", "Dagger", "Tank"],
              tags: ["weapon", "gun", "sword", "military", "medieval", "rifle", "blade", "armor"],
              palette: [(70, 70, 75), (150, 150, 155), (110, 80, 50), (200, 190, 170)], style: .diamonds, weight: 1.0),
        Topic(name: "nature", categories: ["nature-plants"],
              adjectives: ["Mossy", "Autumn", "Tropical", "Alpine", "Desert", "Twisted", "Flowering"],
              nouns: ["Tree", "Rock", "Cactus", "Mushroom", "Fern", "Waterfall", "Island", "Terrain"],
              tags: ["nature", "tree", "plant", "rock", "forest", "landscape", "environment", "foliage"],
              palette: [(40, 120, 50), (110, 180, 80), (120, 90, 60), (170, 210, 230)], style: .triangles, weight: 0.9),
        Topic(name: "animals", categories: ["animals-pets"],
              adjectives: ["Sleepy", "Wild", "Arctic", "Tiny", "Spotted", "Majestic", "Curious"],
              nouns: ["Cat", "Fox", "Owl", "Wolf", "Horse", "Turtle", "Whale", "Dog"],
              tags: ["animal", "cat", "dog", "bird", "pet", "wildlife", "fur", "cute"],
              palette: [(200, 140, 80), (250, 230, 200), (80, 60, 40), (130, 170, 120)], style: .discs, weight: 1.0),
        Topic(name: "robots", categories: ["science-technology", "characters-creatures"],
              adjectives: ["Steampunk", "Battle", "Retro", "Tiny", "Industrial", "Friendly", "Rogue"],
              nouns: ["Robot", "Mech", "Android", "Droid", "Exosuit", "Walker", "Automaton"],
              tags: ["robot", "mech", "android", "machine", "steampunk", "hardsurface", "scifi", "rigged"],
              palette: [(240, 160, 30), (60, 60, 70), (180, 190, 200), (230, 60, 40)], style: .boxes, weight: 0.9),
        Topic(name: "architecture", categories: ["architecture", "places-travel"],
              adjectives: ["Gothic", "Brutalist", "Ruined", "Floating", "Abandoned", "Medieval", "Futuristic"],
              nouns: ["Cathedral", "Castle", "Tower", "Temple", "Bridge", "Lighthouse", "Village", "City Block"],
              tags: ["architecture", "building", "castle", "church", "city", "ruins", "medieval", "tower"],
              palette: [(120, 130, 150), (200, 190, 170), (60, 70, 90), (240, 200, 140)], style: .stripes, weight: 1.0),
        Topic(name: "music", categories: ["music", "electronics-gadgets"],
              adjectives: ["Vintage", "Electric", "Acoustic", "Analog", "Golden", "Neon"],
              nouns: ["Guitar", "Synthesizer", "Drum Kit", "Piano", "Violin", "Turntable", "Microphone"],
              tags: ["music", "instrument", "guitar", "audio", "retro", "electronics", "speaker", "stage"],
              palette: [(30, 30, 30), (220, 40, 120), (250, 220, 60), (240, 240, 240)], style: .rings, weight: 0.6),
    ]
}
