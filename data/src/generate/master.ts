import {
  BRANDS,
  CATEGORY_TREE,
  COMPANY_KINDS,
  COMPANY_WORDS,
  COUNTRIES,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
  LEGAL_FORMS,
  PACKS,
  SUPPLIER_COUNTRIES,
  SUPPLIER_JOB_TITLES,
  SUPPLIER_SUFFIX,
  TERRITORIES,
  VARIANTS,
  WAREHOUSES,
  type LeafCategory,
} from './reference';
import { Rng } from './rng';
import {
  SEGMENTS,
  money,
  slug,
  type Calendar,
  type Customer,
  type Output,
  type Product,
  type Supplier,
  type User,
} from './model';

// Master data: users, categories, suppliers, products, warehouses, customers (each its own random stream).

interface Leaf {
  leaf: LeafCategory;
  root: number;
}

const LEAVES: Leaf[] = CATEGORY_TREE.flatMap((r, ri) => r.children.map((c) => ({ leaf: c, root: ri })));

/** Person names, never the same twice across users and supplier contacts. */
class People {
  private readonly used = new Set<string>();

  next(rng: Rng) {
    for (;;) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      if (!this.used.has(first + ' ' + last)) {
        this.used.add(first + ' ' + last);
        return {
          first,
          last,
          name: `${first} ${last}`,
          local: `${slug(first)}.${slug(last)}`.replace(/-/g, ''),
        };
      }
    }
  }
}

export const people = () => new People();

export function writeUsers(out: Output, seed: number, scale: number, names: People): User[] {
  const rngU = Rng.derive(seed, 'users');
  const nReps = 8 * Math.max(1, Math.round(Math.sqrt(scale)));
  const users: User[] = [];
  const addUser = (role: string, territory?: string[]) => {
    const p = names.next(rngU);
    users.push({ email: `${p.local}@distribution.example`, name: p.name, role, territory });
  };
  addUser('MANAGER');
  for (let i = 0; i < nReps; i++) addUser('SALES', TERRITORIES[i % TERRITORIES.length]);
  addUser('WAREHOUSE');
  addUser('PURCHASING');
  addUser('ANALYST');
  const usersF = out.open('users', ['email', 'name', 'role']);
  for (const u of users) usersF.add([u.email, u.name, u.role]);
  return users;
}

export function writeCategories(out: Output): void {
  const catF = out.open('categories', ['code', 'name', 'parent_code']);
  for (const r of CATEGORY_TREE) catF.add([r.code, r.name, null]);
  for (const r of CATEGORY_TREE) for (const c of r.children) catF.add([c.code, c.name, r.code]);
}

export function writeSuppliers(
  out: Output,
  seed: number,
  scale: number,
  cal: Calendar,
  names: People,
): Supplier[] {
  const { t0, end } = cal;
  const rngS = Rng.derive(seed, 'suppliers');
  const nSuppliers = Math.max(8, Math.round(40 * Math.sqrt(scale)));
  const suppliers: Supplier[] = [];
  const supF = out.open('suppliers', ['code', 'name', 'email', 'phone', 'city', 'country_code', 'status']);
  const supContactF = out.open('supplier_contacts', ['supplier_code', 'email', 'name', 'phone', 'job_title']);
  const supNames = new Set<string>();
  const decaying = new Set([Math.floor(nSuppliers * 0.25), Math.floor(nSuppliers * 0.6)]);
  for (let i = 0; i < nSuppliers; i++) {
    const ctry = SUPPLIER_COUNTRIES[rngS.weighted(SUPPLIER_COUNTRIES.map((c) => c.w))]!;
    let name = '';
    do name = `${rngS.pick(COMPANY_WORDS)} ${rngS.pick(SUPPLIER_SUFFIX)}`;
    while (supNames.has(name));
    supNames.add(name);
    const code = `SUP-${String(i + 1).padStart(3, '0')}`;
    const domain = `${slug(name)}.example`;
    const phoneCc =
      COUNTRIES.find((c) => c.code === ctry.code)?.phone ?? rngS.pick(['+48', '+420', '+90', '+86']);
    const phoneFor = (cc: string) =>
      `${cc} ${rngS.int(100, 999)} ${rngS.int(100, 999)} ${rngS.int(100, 999)}`;
    const phone =
      ctry.code === 'PL'
        ? phoneFor('+48')
        : ctry.code === 'CZ'
          ? phoneFor('+420')
          : ctry.code === 'TR'
            ? phoneFor('+90')
            : ctry.code === 'CN'
              ? phoneFor('+86')
              : phoneFor(phoneCc);
    supF.add([code, name, `orders@${domain}`, phone, rngS.pick(ctry.city), ctry.code, 'ACTIVE']);
    const nContacts = rngS.int(1, 2);
    const seen = new Set<string>();
    for (let k = 0; k < nContacts; k++) {
      const p = names.next(rngS);
      if (seen.has(p.local)) continue;
      seen.add(p.local);
      supContactF.add([
        code,
        `${p.local}@${domain}`,
        p.name,
        phoneFor(phone.split(' ')[0]!),
        rngS.pick(SUPPLIER_JOB_TITLES),
      ]);
    }
    const isDecaying = decaying.has(i);
    suppliers.push({
      code,
      onTime: isDecaying ? rngS.float(0.9, 0.97) : rngS.float(0.7, 0.98),
      quality: rngS.float(76, 96),
      price: rngS.float(55, 92),
      decayFrom: isDecaying ? t0 + (end - t0) * rngS.float(0.3, 0.45) : Infinity,
      maxLate: (ctry.lead[1] ?? 0) > 20 ? 20 : 10,
      leaves: new Set<number>(),
      lead: ctry.lead as [number, number],
    });
  }
  for (let l = 0; l < LEAVES.length; l++) {
    suppliers[l % nSuppliers]!.leaves.add(l);
    suppliers[(l * 7 + 3) % nSuppliers]!.leaves.add(l);
  }
  for (const s of suppliers) {
    const extra = rngS.int(1, 3);
    for (let k = 0; k < extra; k++) s.leaves.add(rngS.int(0, LEAVES.length - 1));
  }
  return suppliers;
}

/** How likely a supplier delivers on time at t: a deteriorating one slides towards 35 % by the end. */
export const onTimeProb = (s: Supplier, t: number, end: number) =>
  t < s.decayFrom ? s.onTime : Math.max(0.35, s.onTime - 0.6 * ((t - s.decayFrom) / (end - s.decayFrom)));

export const qualityAt = (s: Supplier, t: number, end: number) =>
  t < s.decayFrom ? s.quality : s.quality - 28 * ((t - s.decayFrom) / (end - s.decayFrom));

export function writeProducts(
  out: Output,
  seed: number,
  scale: number,
  months: number,
  suppliers: Supplier[],
): Product[] {
  const rngP = Rng.derive(seed, 'products');
  const nProducts = Math.max(40, Math.round(500 * Math.sqrt(scale)));
  const totalLeafW = LEAVES.reduce((a, l) => a + Math.sqrt(l.leaf.weight), 0);
  const perLeaf = LEAVES.map((l) =>
    Math.max(1, Math.floor((nProducts * Math.sqrt(l.leaf.weight)) / totalLeafW)),
  );
  for (
    let i = 0, left = nProducts - perLeaf.reduce((a, b) => a + b, 0);
    left > 0;
    i = (i + 1) % LEAVES.length, left--
  )
    perLeaf[i]!++;
  const products: Product[] = [];
  const prodF = out.open('products', ['sku', 'name', 'category_code', 'list_price', 'unit_cost', 'status']);
  const supplyF = out.open('product_supplies', [
    'supplier_code',
    'sku',
    'lead_time_days',
    'unit_cost',
    'min_order_quantity',
    'is_preferred',
  ]);
  const prodNames = new Set<string>();
  for (let l = 0; l < LEAVES.length; l++) {
    const { leaf, root } = LEAVES[l]!;
    const n = perLeaf[l]!;
    const ranks = rngP.shuffle(Array.from({ length: n }, (_, i) => i + 1));
    let h = 0;
    for (const r of ranks) h += 1 / Math.pow(r, 0.9);
    const supplierIdx = suppliers.map((s, i) => (s.leaves.has(l) ? i : -1)).filter((i) => i >= 0);
    for (let k = 0; k < n; k++) {
      const sku = `${leaf.code}-${String(k + 1).padStart(4, '0')}`;
      let name = '';
      for (let tries = 0; tries < 20; tries++) {
        name = `${rngP.pick(BRANDS)} ${rngP.pick(leaf.items)} ${rngP.pick(VARIANTS)}${rngP.pick(PACKS)}`;
        if (!prodNames.has(name)) break;
      }
      if (prodNames.has(name)) name = `${name} (${sku})`;
      prodNames.add(name);
      const raw = Math.max(0.5, rngP.lognormal(leaf.price, leaf.spread));
      const list =
        raw >= 10 ? Math.floor(raw) + rngP.pick([0.49, 0.9, 0.95, 0.99]) : Math.round(raw * 100) / 100;
      const cost = Math.round(list * rngP.float(0.55, 0.78) * 100) / 100;
      const discontinued = rngP.chance(0.04);
      const dm = discontinued ? rngP.int(6, Math.max(6, months - 3)) : Infinity;
      prodF.add([
        sku,
        name,
        leaf.code,
        list.toFixed(2),
        cost.toFixed(2),
        discontinued ? 'DISCONTINUED' : 'ACTIVE',
      ]);
      const nSup = Math.min(supplierIdx.length, rngP.int(1, 3));
      const chosen = rngP.shuffle([...supplierIdx]).slice(0, nSup);
      const moqChoices = list < 5 ? [12, 24, 50, 100] : list < 30 ? [1, 6, 10, 12, 24] : [1, 1, 2, 5];
      const supplies = chosen.map((si, j) => {
        const s = suppliers[si]!;
        const lead = rngP.int(s.lead[0], s.lead[1]);
        const moq = rngP.pick(moqChoices);
        const supplyCost = money(cost * rngP.float(0.93, 1.07));
        supplyF.add([s.code, sku, lead, supplyCost, moq, j === 0]);
        return { supplier: si, lead, moq, cost: supplyCost };
      });
      products.push({
        sku,
        leaf,
        root,
        list,
        cost,
        weight: leaf.weight / Math.pow(ranks[k]!, 0.9) / h,
        discontinuedMonth: dm,
        qtyFactor: Math.min(3, Math.max(0.08, Math.sqrt(15 / list))),
        supplies,
      });
    }
  }
  return products;
}

export function writeWarehouses(out: Output): void {
  const whF = out.open('warehouses', ['code', 'name', 'city', 'country_code']);
  for (const w of WAREHOUSES) whF.add([w.code, w.name, w.city, w.country_code]);
}

export function writeCustomers(
  out: Output,
  seed: number,
  scale: number,
  months: number,
  users: User[],
): Customer[] {
  const rngC = Rng.derive(seed, 'customers');
  const whIndex = new Map(WAREHOUSES.map((w, i) => [w.code, i]));
  const nCustomers = Math.max(20, Math.round(2000 * scale));
  const customers: Customer[] = [];
  const custF = out.open('customers', [
    'code',
    'name',
    'email',
    'phone',
    'segment',
    'status',
    'country_code',
    'country_name',
    'region',
    'city',
    'sales_rep_email',
    'is_guest',
  ]);
  const contactF = out.open('customer_contacts', [
    'customer_code',
    'email',
    'name',
    'phone',
    'job_title',
    'is_primary',
  ]);
  const rootWeights = CATEGORY_TREE.map((r) => r.children.reduce((a, c) => a + c.weight, 0));
  for (let i = 0; i < nCustomers; i++) {
    const segIdx = rngC.weighted(SEGMENTS.map((s) => s.share));
    const seg = SEGMENTS[segIdx]!;
    const country = COUNTRIES[rngC.weighted(COUNTRIES.map((c) => c.weight))]!;
    const region = rngC.pick(country.regions);
    const city = rngC.pick(region.cities);
    const code = `C${String(i + 1).padStart(6, '0')}`;
    const phone = () =>
      `${country.phone} ${rngC.int(1, 9)}${rngC.int(10, 99)} ${rngC.int(100, 999)} ${rngC.int(100, 999)}`;
    let name: string;
    let email: string | null;
    let domain: string;
    if (seg.seg === 'CONSUMER') {
      const first = rngC.pick(FIRST_NAMES);
      const last = rngC.pick(LAST_NAMES);
      name = `${first} ${last}`;
      domain = 'mail.example';
      email = `${slug(first)}.${slug(last)}.${i + 1}@${domain}`;
    } else {
      const word = rngC.pick(COMPANY_WORDS);
      const kind = rngC.pick(COMPANY_KINDS[seg.seg]!);
      const legal = rngC.pick(LEGAL_FORMS[country.code]!);
      name = rngC.chance(0.5) ? `${word} ${kind} ${legal}` : `${rngC.pick(LAST_NAMES)} ${kind} ${legal}`;
      domain = `${slug(name)}-${i + 1}.example`;
      email = `purchasing@${domain}`;
    }
    if (rngC.chance(0.03)) email = null;
    const reps = users.filter((u) => u.territory?.includes(country.code));
    const rep = rngC.pick(reps).email;
    const size = Math.min(20, rngC.pareto(1, 2));
    const newcomer = rngC.chance(0.22);
    const startMonth = newcomer ? rngC.int(2, months - 2) : 0;
    const churner = rngC.chance(seg.seg === 'WHOLESALE' ? 0.05 : 0.15) && startMonth + 4 < months - 2;
    const endMonth = churner ? rngC.int(startMonth + 4, months - 2) : Infinity;
    const inactive = churner && rngC.chance(0.7);
    const focusRoot = rngC.weighted(rootWeights);
    customers.push({
      code,
      seg: segIdx,
      freq: seg.freq * Math.pow(size, 0.8),
      basket: Math.pow(size, 0.35) * rngC.lognormal(1, 0.25),
      disc: rngC.float(seg.disc[0], seg.disc[1]),
      focusRoot,
      focus: seg.seg === 'CONSUMER' ? rngC.float(0, 0.3) : rngC.float(0.3, 0.75),
      wh: whIndex.get(country.warehouse)!,
      rep,
      startMonth,
      endMonth,
    });
    custF.add([
      code,
      name,
      email,
      phone(),
      seg.seg,
      inactive ? 'INACTIVE' : 'ACTIVE',
      country.code,
      country.name,
      region.name,
      city,
      rep,
      false,
    ]);
    if (seg.seg !== 'CONSUMER') {
      const n = rngC.int(1, 3);
      const seen = new Set<string>();
      for (let k = 0; k < n; k++) {
        const first = rngC.pick(FIRST_NAMES);
        const last = rngC.pick(LAST_NAMES);
        const ce = `${slug(first)}.${slug(last)}@${domain}`;
        if (seen.has(ce)) continue;
        seen.add(ce);
        contactF.add([code, ce, `${first} ${last}`, phone(), rngC.pick(JOB_TITLES), seen.size === 1]);
      }
    }
  }
  return customers;
}
