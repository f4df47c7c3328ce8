/** Fixed reference data the generator draws names, places and assortments from. */

export interface LeafCategory {
  code: string;
  name: string;
  /** Items of the category: base names the generator varies. */
  items: string[];
  /** Median list price (EUR) and its spread (log sigma). */
  price: number;
  spread: number;
  /** Relative share of the demand. */
  weight: number;
  taxRate: number;
}

export interface RootCategory {
  code: string;
  name: string;
  children: LeafCategory[];
}

const leaf = (
  code: string,
  name: string,
  price: number,
  weight: number,
  taxRate: number,
  items: string[],
  spread = 0.6,
): LeafCategory => ({ code, name, price, weight, taxRate, items, spread });

export const CATEGORY_TREE: RootCategory[] = [
  {
    code: 'OFF',
    name: 'Office supplies',
    children: [
      leaf('OFF-PAP', 'Paper & notebooks', 9, 1.6, 0.2, [
        'Copy paper A4 80 g',
        'Spiral notebook A5',
        'Sticky notes 76x76',
        'Recycled paper A4',
        'Colour paper A4 160 g',
        'Index cards',
        'Flip chart pad',
      ]),
      leaf('OFF-WRI', 'Writing instruments', 6, 1.2, 0.2, [
        'Ballpoint pen',
        'Gel pen',
        'Highlighter',
        'Permanent marker',
        'Whiteboard marker',
        'Mechanical pencil',
        'Graphite pencil HB',
      ]),
      leaf('OFF-FIL', 'Filing & archiving', 8, 1.0, 0.2, [
        'Lever arch file',
        'Archive box',
        'Suspension file',
        'Document wallet',
        'Ring binder',
        'Clear pocket',
      ]),
      leaf('OFF-DSK', 'Desk accessories', 14, 0.6, 0.2, [
        'Stapler',
        'Hole punch',
        'Tape dispenser',
        'Desk organiser',
        'Letter tray',
        'Scissors',
      ]),
      leaf(
        'OFF-PRN',
        'Printer consumables',
        45,
        1.1,
        0.2,
        ['Toner cartridge black', 'Ink cartridge colour', 'Label roll', 'Drum unit', 'Thermal paper roll'],
        0.7,
      ),
    ],
  },
  {
    code: 'HDW',
    name: 'Hardware & tools',
    children: [
      leaf('HDW-HND', 'Hand tools', 22, 0.7, 0.2, [
        'Claw hammer',
        'Screwdriver set',
        'Adjustable wrench',
        'Utility knife',
        'Tape measure',
        'Combination pliers',
      ]),
      leaf(
        'HDW-PWR',
        'Power tools',
        120,
        0.45,
        0.2,
        ['Cordless drill', 'Angle grinder', 'Jigsaw', 'Impact driver', 'Orbital sander', 'Heat gun'],
        0.5,
      ),
      leaf('HDW-FAS', 'Fasteners', 7, 0.9, 0.2, [
        'Wood screws',
        'Wall plugs',
        'Hex bolts',
        'Washers',
        'Cable ties',
        'Nails',
      ]),
      leaf('HDW-ELE', 'Electrical', 16, 0.7, 0.2, [
        'Extension cord',
        'LED bulb E27',
        'Power strip',
        'Batteries AA',
        'Batteries AAA',
        'Junction box',
      ]),
      leaf(
        'HDW-SAF',
        'Safety equipment',
        18,
        0.55,
        0.2,
        ['Safety glasses', 'Work gloves', 'Hi-vis vest', 'Ear defenders', 'Safety helmet', 'Safety shoes'],
        0.7,
      ),
    ],
  },
  {
    code: 'FOD',
    name: 'Food & beverages',
    children: [
      leaf('FOD-COF', 'Coffee & tea', 12, 1.3, 0.055, [
        'Coffee beans',
        'Ground coffee',
        'Coffee capsules',
        'Green tea bags',
        'Black tea bags',
        'Herbal infusion',
        'Hot chocolate powder',
      ]),
      leaf('FOD-SNK', 'Snacks & confectionery', 6, 1.0, 0.055, [
        'Butter biscuits',
        'Chocolate bars',
        'Cereal bars',
        'Salted crackers',
        'Dried fruit mix',
        'Roasted nuts',
      ]),
      leaf('FOD-DRK', 'Soft drinks & water', 5, 1.1, 0.055, [
        'Still mineral water',
        'Sparkling water',
        'Orange juice',
        'Apple juice',
        'Cola',
        'Iced tea',
      ]),
      leaf('FOD-GRO', 'Dry groceries', 4, 0.7, 0.055, [
        'Sugar sticks',
        'Creamer portions',
        'Pasta',
        'Rice',
        'Olive oil',
        'Canned tomatoes',
      ]),
    ],
  },
  {
    code: 'HSH',
    name: 'Household',
    children: [
      leaf('HSH-CLN', 'Cleaning products', 9, 1.1, 0.2, [
        'All-purpose cleaner',
        'Dishwashing liquid',
        'Floor cleaner',
        'Glass cleaner',
        'Bin bags',
        'Microfibre cloths',
        'Disinfectant spray',
      ]),
      leaf('HSH-KIT', 'Kitchenware', 15, 0.5, 0.2, [
        'Coffee mugs',
        'Glass tumblers',
        'Cutlery set',
        'Kettle',
        'Food containers',
        'Serving tray',
      ]),
      leaf('HSH-PAP', 'Paper & disposables', 10, 1.2, 0.2, [
        'Toilet paper',
        'Kitchen roll',
        'Paper towels',
        'Paper cups',
        'Napkins',
        'Facial tissues',
      ]),
      leaf('HSH-STO', 'Storage', 20, 0.4, 0.2, [
        'Plastic storage box',
        'Shelving unit',
        'Crate',
        'Vacuum bags',
        'Drawer organiser',
      ]),
    ],
  },
  {
    code: 'HYG',
    name: 'Hygiene & care',
    children: [
      leaf('HYG-SOP', 'Soap & hand care', 7, 0.8, 0.2, [
        'Liquid hand soap',
        'Hand sanitiser gel',
        'Hand cream',
        'Soap refill',
        'Shower gel',
      ]),
      leaf('HYG-FAI', 'First aid', 14, 0.35, 0.1, [
        'First aid kit',
        'Plasters',
        'Sterile compresses',
        'Elastic bandage',
        'Antiseptic solution',
        'Eye wash',
      ]),
      leaf('HYG-PPE', 'Disposable gloves & masks', 9, 0.7, 0.1, [
        'Nitrile gloves',
        'Vinyl gloves',
        'Surgical masks',
        'FFP2 masks',
        'Hair nets',
        'Shoe covers',
      ]),
    ],
  },
  {
    code: 'FUR',
    name: 'Furniture & equipment',
    children: [
      leaf(
        'FUR-CHR',
        'Chairs',
        180,
        0.25,
        0.2,
        ['Ergonomic office chair', 'Visitor chair', 'Stacking chair', 'Drafting stool', 'Meeting chair'],
        0.5,
      ),
      leaf(
        'FUR-DSK',
        'Desks & tables',
        260,
        0.18,
        0.2,
        ['Sit-stand desk', 'Office desk', 'Meeting table', 'Pedestal drawer unit', 'Folding table'],
        0.5,
      ),
      leaf(
        'FUR-ELC',
        'Office electronics',
        90,
        0.45,
        0.2,
        [
          'Calculator',
          'Laminator',
          'Paper shredder',
          'Label printer',
          'Wireless keyboard',
          'Computer mouse',
          'Headset',
        ],
        0.8,
      ),
      leaf('FUR-LGT', 'Lighting', 40, 0.3, 0.2, [
        'LED desk lamp',
        'Floor lamp',
        'LED panel',
        'Work light',
        'Emergency light',
      ]),
    ],
  },
];

export const VARIANTS = [
  'Standard',
  'Pro',
  'Eco',
  'Premium',
  'Basic',
  'Compact',
  'XL',
  'Plus',
  'Classic',
  'Ultra',
];
export const BRANDS = [
  'Nordell',
  'Maxwell',
  'Optima',
  'Verdana',
  'Kestrel',
  'Alpine',
  'Bravo',
  'Orion',
  'Fenwick',
  'Luma',
  'Solido',
  'Tecnica',
];
export const PACKS = [
  '',
  '',
  ', pack of 6',
  ', pack of 10',
  ', pack of 12',
  ', box of 50',
  ', box of 100',
  ', case of 24',
];

export interface Country {
  code: string;
  name: string;
  weight: number;
  phone: string;
  /** Warehouse that serves the country. */
  warehouse: string;
  regions: { name: string; cities: string[] }[];
}

/** A country, its regions (by name) and their cities. */
const country = (
  code: string,
  name: string,
  weight: number,
  phone: string,
  warehouse: string,
  regions: Record<string, string[]>,
): Country => ({
  code,
  name,
  weight,
  phone,
  warehouse,
  regions: Object.entries(regions).map(([region, cities]) => ({ name: region, cities })),
});

export const COUNTRIES: Country[] = [
  country('FR', 'France', 38, '+33', 'WH-LYS', {
    'Île-de-France': ['Paris', 'Versailles', 'Créteil', 'Saint-Denis'],
    'Auvergne-Rhône-Alpes': ['Lyon', 'Grenoble', 'Saint-Étienne', 'Annecy'],
    "Provence-Alpes-Côte d'Azur": ['Marseille', 'Nice', 'Toulon'],
    Occitanie: ['Toulouse', 'Montpellier', 'Nîmes'],
    'Nouvelle-Aquitaine': ['Bordeaux', 'Limoges', 'Poitiers'],
    'Hauts-de-France': ['Lille', 'Amiens', 'Roubaix'],
    'Grand Est': ['Strasbourg', 'Reims', 'Metz'],
    'Pays de la Loire': ['Nantes', 'Angers', 'Le Mans'],
  }),
  country('BE', 'Belgium', 10, '+32', 'WH-ANR', {
    'Brussels-Capital': ['Brussels'],
    Flanders: ['Antwerp', 'Ghent', 'Bruges', 'Leuven'],
    Wallonia: ['Liège', 'Namur', 'Charleroi'],
  }),
  country('NL', 'Netherlands', 7, '+31', 'WH-ANR', {
    'North Holland': ['Amsterdam', 'Haarlem'],
    'South Holland': ['Rotterdam', 'The Hague', 'Leiden'],
    Utrecht: ['Utrecht', 'Amersfoort'],
  }),
  country('LU', 'Luxembourg', 2, '+352', 'WH-ANR', { Luxembourg: ['Luxembourg', 'Esch-sur-Alzette'] }),
  country('DE', 'Germany', 15, '+49', 'WH-DUI', {
    Bavaria: ['Munich', 'Nuremberg', 'Augsburg'],
    'North Rhine-Westphalia': ['Cologne', 'Düsseldorf', 'Duisburg', 'Essen'],
    Hesse: ['Frankfurt', 'Wiesbaden'],
    Berlin: ['Berlin'],
    Hamburg: ['Hamburg'],
  }),
  country('AT', 'Austria', 3, '+43', 'WH-DUI', {
    Vienna: ['Vienna'],
    Tyrol: ['Innsbruck'],
    Styria: ['Graz'],
  }),
  country('CH', 'Switzerland', 3, '+41', 'WH-LYS', {
    Geneva: ['Geneva'],
    Vaud: ['Lausanne', 'Montreux'],
    Zurich: ['Zurich', 'Winterthur'],
  }),
  country('ES', 'Spain', 12, '+34', 'WH-ZAZ', {
    Madrid: ['Madrid', 'Alcalá de Henares'],
    Catalonia: ['Barcelona', 'Girona', 'Tarragona'],
    Aragon: ['Zaragoza', 'Huesca'],
    Andalusia: ['Seville', 'Málaga', 'Granada'],
    'Valencian Community': ['Valencia', 'Alicante'],
  }),
  country('PT', 'Portugal', 4, '+351', 'WH-ZAZ', { Lisbon: ['Lisbon', 'Sintra'], Norte: ['Porto', 'Braga'] }),
  country('IT', 'Italy', 6, '+39', 'WH-LYS', {
    Lombardy: ['Milan', 'Bergamo', 'Brescia'],
    Piedmont: ['Turin'],
    Lazio: ['Rome'],
  }),
];

export const WAREHOUSES = [
  { code: 'WH-LYS', name: 'Lyon distribution centre', city: 'Lyon', country_code: 'FR' },
  { code: 'WH-ANR', name: 'Antwerp Benelux hub', city: 'Antwerp', country_code: 'BE' },
  { code: 'WH-DUI', name: 'Duisburg central warehouse', city: 'Duisburg', country_code: 'DE' },
  { code: 'WH-ZAZ', name: 'Zaragoza Iberia platform', city: 'Zaragoza', country_code: 'ES' },
];

/** Sales territories (countries), cycled when there are more reps. */
export const TERRITORIES = [
  ['FR'],
  ['FR'],
  ['FR', 'CH'],
  ['BE', 'NL', 'LU'],
  ['DE', 'AT'],
  ['DE', 'CH'],
  ['ES', 'PT'],
  ['IT', 'FR'],
];

export const FIRST_NAMES = [
  'Alice',
  'Bruno',
  'Camille',
  'David',
  'Emma',
  'François',
  'Gabriel',
  'Hélène',
  'Inès',
  'Julien',
  'Karin',
  'Lucas',
  'Marie',
  'Nicolas',
  'Olivia',
  'Pierre',
  'Quentin',
  'Rosa',
  'Sophie',
  'Thomas',
  'Ursula',
  'Victor',
  'Wim',
  'Xavier',
  'Yasmine',
  'Zoé',
  'Anna',
  'Benoît',
  'Claire',
  'Diego',
  'Elena',
  'Felix',
  'Greta',
  'Hugo',
  'Isabel',
  'Jan',
  'Klaus',
  'Laura',
  'Marco',
  'Nina',
  'Oscar',
  'Paula',
  'Raphaël',
  'Sara',
  'Tobias',
  'Valentina',
  'Lea',
  'Matteo',
  'Joana',
  'Luc',
];
export const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
  'Garcia',
  'Fernández',
  'López',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Peeters',
  'Janssens',
  'De Vries',
  'Jansen',
  'Rossi',
  'Russo',
  'Ferrari',
  'Silva',
  'Santos',
  'Ferreira',
  'Meyer',
  'Wagner',
  'Becker',
  'Hoffmann',
  'Fontaine',
  'Chevalier',
  'Girard',
  'Bonnet',
  'Mercier',
  'Blanc',
  'Guerin',
  'Faure',
  'Rousseau',
  'Vidal',
  'Romero',
  'Navarro',
  'Bianchi',
  'Colombo',
  'Maes',
  'Willems',
  'Bakker',
  'Visser',
  'Keller',
  'Huber',
];
export const COMPANY_WORDS = [
  'Atlas',
  'Horizon',
  'Rivage',
  'Sequoia',
  'Boréal',
  'Delta',
  'Nova',
  'Pilier',
  'Cèdre',
  'Azur',
  'Lumen',
  'Vertex',
  'Ancre',
  'Cardinal',
  'Equinoxe',
  'Falcon',
  'Granit',
  'Hélios',
  'Iris',
  'Jade',
  'Kappa',
  'Lotus',
  'Mistral',
  'Noria',
  'Opale',
  'Prisme',
  'Quartz',
  'Rubis',
  'Sirius',
  'Topaze',
  'Vega',
  'Zenith',
  'Aurora',
  'Baltic',
  'Castell',
  'Dorado',
];
export const COMPANY_KINDS: Record<string, string[]> = {
  SMALL_BUSINESS: [
    'Bureau',
    'Boutique',
    'Atelier',
    'Café',
    'Cabinet',
    'Bakery',
    'Garage',
    'Studio',
    'Pharmacy',
    'Salon',
    'Hotel',
    'Restaurant',
  ],
  CORPORATE: [
    'Group',
    'Industries',
    'Consulting',
    'Logistics',
    'Systems',
    'Holding',
    'Services',
    'Engineering',
    'Insurance',
    'Hospital',
  ],
  WHOLESALE: ['Distribution', 'Trade', 'Supply', 'Wholesale', 'Retail Chain', 'Cash & Carry', 'Market'],
};
export const LEGAL_FORMS: Record<string, string[]> = {
  FR: ['SARL', 'SAS', 'SA'],
  BE: ['BV', 'SRL', 'NV'],
  NL: ['BV', 'NV'],
  LU: ['SARL', 'SA'],
  DE: ['GmbH', 'AG', 'KG'],
  AT: ['GmbH', 'AG'],
  CH: ['AG', 'SA', 'GmbH'],
  ES: ['S.L.', 'S.A.'],
  PT: ['Lda', 'S.A.'],
  IT: ['S.r.l.', 'S.p.A.'],
};
export const JOB_TITLES = [
  'Purchasing manager',
  'Office manager',
  'Accountant',
  'Owner',
  'Operations manager',
  'Buyer',
  'Facility manager',
  'Assistant',
];
export const SUPPLIER_JOB_TITLES = [
  'Account manager',
  'Sales representative',
  'Customer service',
  'Logistics coordinator',
];

export const SUPPLIER_COUNTRIES = [
  { code: 'FR', city: ['Lyon', 'Lille', 'Nantes', 'Rouen'], lead: [3, 7], w: 10 },
  { code: 'DE', city: ['Stuttgart', 'Hanover', 'Dortmund', 'Leipzig'], lead: [4, 9], w: 9 },
  { code: 'BE', city: ['Ghent', 'Liège'], lead: [3, 7], w: 4 },
  { code: 'NL', city: ['Eindhoven', 'Tilburg'], lead: [4, 8], w: 4 },
  { code: 'ES', city: ['Valencia', 'Bilbao'], lead: [5, 10], w: 4 },
  { code: 'IT', city: ['Bologna', 'Verona'], lead: [6, 12], w: 4 },
  { code: 'PL', city: ['Poznań', 'Łódź', 'Wrocław'], lead: [7, 14], w: 5 },
  { code: 'CZ', city: ['Brno', 'Ostrava'], lead: [7, 12], w: 3 },
  { code: 'TR', city: ['Istanbul', 'Izmir'], lead: [14, 25], w: 3 },
  { code: 'CN', city: ['Shenzhen', 'Ningbo', 'Xiamen'], lead: [30, 45], w: 4 },
];
export const SUPPLIER_SUFFIX = [
  'Manufacturing',
  'Industries',
  'Werke',
  'Products',
  'Supplies',
  'Fabrik',
  'Trading',
  'Co.',
];

export const MONTH_SEASONALITY = [0.88, 0.93, 1.02, 1.0, 1.0, 0.96, 0.9, 0.66, 1.06, 1.1, 1.22, 1.16];
/** Sunday = 0 (Date.getUTCDay). */
export const WEEKDAY_WEIGHT = [0.12, 1.2, 1.15, 1.1, 1.05, 0.95, 0.3];
/** Hour of day (UTC) of orders, 6:00–20:00. */
export const HOUR_WEIGHT = [
  0, 0, 0, 0, 0, 0, 0.3, 1.2, 2.2, 2.6, 2.5, 2.0, 1.2, 1.5, 2.2, 2.3, 1.9, 1.2, 0.6, 0.3, 0.1, 0, 0, 0,
];
