import { fold } from './text';
import { phrase, type Phrase } from './sentence';

/**
 * How people name the semantic model's measures and levels, in English and French. The model
 * defines what a figure is; this is only the words for it (a test checks every measure and level of
 * the model has some). Phrases are normalised (no accents, lower case); longer phrases win.
 */
const list = (names: Record<string, string[]>): Phrase<string>[] =>
  Object.entries(names).flatMap(([name, texts]) => texts.map((t) => phrase(fold(t).replace(/['’-]/g, ' ').replace(/\s+/g, ' ').trim(), name)));

export const MEASURE_PHRASES = list({
  revenue: [
    'revenue', 'revenues', 'sales', 'sale', 'turnover', 'net sales', 'sales revenue', 'sales amount', 'income', 'takings', 'bookings',
    'net revenue', 'revenus', 'revenu', 'ca', 'c a', 'chiffre d affaires', 'chiffres d affaires', 'chiffre d affaire', 'ventes', 'vente', 'facturation', 'facture', 'montant des ventes', 'chiffre', 'fait combien',
  ],
  grossMargin: ['margin', 'margins', 'gross margin', 'gross profit', 'profit', 'profits', 'marge', 'marges', 'marge brute', 'benefice', 'benefices', 'benefice brut', 'gagne'],
  marginPct: [
    'margin rate', 'margin pct', 'margin percent', 'margin percentage', 'pct margin', 'margin ratio', 'profitability', 'profit margin', 'gross margin pct', 'gross margin rate',
    'taux de marge', 'marge en pct', 'pct de marge', 'marge pct', 'rentabilite', 'taux de marge brute', 'pourcentage de marge',
  ],
  units: [
    'units', 'unit', 'units sold', 'quantity', 'quantities', 'quantity sold', 'volume', 'volumes', 'pieces', 'items sold', 'how many units', 'how many items',
    'unites', 'unites vendues', 'quantite', 'quantites', 'quantites vendues', 'quantite vendue', 'pieces vendues', 'nombre d unites', 'nombre d articles vendus', 'combien d unites', 'combien d articles',
  ],
  orders: ['orders', 'order', 'order count', 'number of orders', 'how many orders', 'commandes', 'commande', 'nombre de commandes', 'combien de commandes', 'orders placed count', 'cdes', 'cde', 'cmd', 'cmds', 'cmdes', 'nb de commandes', 'nb commandes', 'nb de cdes', 'nb cdes', 'nbre de commandes'],
  averageBasket: [
    'average order value', 'average order', 'aov', 'average basket', 'basket size', 'average ticket', 'average sale', 'average order size', 'mean order value', 'average basket value',
    'panier moyen', 'valeur moyenne des commandes', 'valeur moyenne d une commande', 'commande moyenne', 'ticket moyen', 'montant moyen des commandes', 'montant moyen par commande', 'valeur moyenne par commande',
  ],
  customers: [
    'buying customers', 'active customers', 'customers who bought', 'customers who ordered', 'customers who purchased', 'number of buying customers', 'distinct customers', 'unique customers',
    'distinct buyers', 'unique buyers', 'number of distinct buyers', 'number of buyers', 'how many buyers', 'acheteurs distincts', 'nombre d acheteurs', 'combien d acheteurs',
    'clients actifs', 'clients acheteurs', 'clients qui ont achete', 'clients qui ont commande', 'clients distincts', 'nombre de clients actifs',
  ],
  customerCount: ['customer records', 'customer base', 'customer file', 'customers in the database', 'fichier clients', 'base clients', 'fiches clients', 'portefeuille clients'],
  productCount: [
    'number of products', 'how many products', 'product count', 'products in the catalog', 'products in the catalogue', 'catalog size', 'how many skus', 'number of skus', 'how many items do we',
    'nombre de produits', 'combien de produits', 'nombre de references', 'combien de references', 'taille du catalogue', 'produits au catalogue', 'produits du catalogue',
  ],
  placedValue: ['orders placed', 'value of orders placed', 'order intake', 'gross bookings', 'commandes passees', 'prises de commandes', 'prise de commandes', 'valeur des commandes passees', 'carnet de commandes'],
  cancelledValue: ['cancelled value', 'value of cancelled orders', 'cancelled orders value', 'cancellations value', 'lost to cancellations', 'valeur des commandes annulees', 'montant des annulations', 'montant annule', 'valeur annulee'],
  cancelledOrders: ['cancelled orders', 'canceled orders', 'cancellations', 'orders cancelled', 'orders were cancelled', 'orders canceled', 'commandes annulees', 'annulations', 'nombre d annulations'],
  draftValue: ['draft orders', 'drafts', 'open drafts', 'draft value', 'unconfirmed orders', 'brouillons', 'commandes en brouillon', 'commandes non confirmees', 'brouillons en cours'],
  stockOnHand: [
    'stock on hand', 'on hand', 'in stock', 'stock', 'stocks', 'inventory', 'inventory level', 'stock level', 'stock levels', 'units in stock', 'physical stock', 'how much stock',
    'stock physique', 'en stock', 'niveau de stock', 'niveaux de stock', 'quantite en stock', 'inventaire', 'stock actuel',
  ],
  stockAvailable: ['available stock', 'stock available', 'available', 'available to sell', 'free stock', 'stock disponible', 'disponible', 'disponibles', 'stock libre'],
  stockReserved: ['reserved stock', 'stock reserved', 'reserved', 'allocated stock', 'stock reserve', 'reserve', 'reserves', 'stock alloue'],
  unitsOnOrder: [
    'units on order', 'on order', 'quantity on order', 'quantities on order', 'open purchase orders', 'open purchases', 'incoming stock', 'incoming units', 'ordered from suppliers', 'units ordered from suppliers',
    'quantites en commande', 'quantite en commande', 'en commande', 'en cours de commande', 'commandes fournisseurs en cours', 'commande fournisseur en cours', 'a recevoir', 'quantites a recevoir', 'stock en commande',
  ],
  reorderPoint: ['reorder point', 'reorder points', 'reorder level', 'reorder threshold', 'point de commande', 'seuil de reapprovisionnement', 'seuil de commande', 'points de commande'],
  stockValue: ['stock value', 'inventory value', 'value of stock', 'value of the stock', 'value of inventory', 'stock valuation', 'inventory valuation', 'valeur du stock', 'valeur de stock', 'valorisation du stock', 'valeur des stocks', 'valeur de l inventaire'],
  daysOfCover: ['days of cover', 'days of stock', 'stock cover', 'cover', 'coverage', 'days of inventory', 'days of supply', 'jours de couverture', 'couverture', 'couverture de stock', 'jours de stock'],
  supplierDeliveries: ['deliveries', 'delivery', 'number of deliveries', 'supplier deliveries', 'livraisons', 'livraison', 'nombre de livraisons', 'livraisons fournisseurs'],
  supplierOnTimeDeliveries: ['on time deliveries', 'deliveries on time', 'livraisons a l heure', 'livraisons dans les delais'],
  supplierLateDeliveries: ['late deliveries', 'deliveries late', 'delivered late', 'deliver late', 'late', 'delays', 'late delivery', 'livraisons en retard', 'retards', 'retard', 'en retard', 'livre en retard', 'livrent en retard'],
  supplierOnTimeRate: [
    'on time rate', 'on time delivery rate', 'supplier on time rate', 'supplier on time delivery rate', 'supplier punctuality', 'supplier reliability', 'taux de ponctualite fournisseur', 'taux de ponctualite des fournisseurs', 'ponctualite des fournisseurs', 'taux de livraison a l heure', 'taux de livraisons a l heure', 'taux de livraison dans les delais', 'taux de respect des delais', 'on time delivery', 'on time', 'punctuality', 'reliability', 'otd', 'otif', 'delivery performance', 'service level',
    'taux de ponctualite', 'ponctualite', 'taux de service', 'respect des delais', 'fiabilite', 'taux de livraison a l heure', 'a l heure', 'performance de livraison',
  ],
  averageLeadTime: [
    'lead time', 'lead times', 'average lead time', 'supplier lead time', 'delivery lead time', 'actual lead time', 'measured lead time', 'replenishment lead time',
    'delai moyen', 'delai d approvisionnement', 'delais d approvisionnement', 'delai moyen d approvisionnement', 'delai de livraison fournisseur', 'delai moyen de livraison', 'delai fournisseur', 'delais fournisseurs',
  ],
  receivedQuantity: ['units received', 'receive from suppliers', 'received from suppliers', 'units did we receive', 'recu des fournisseurs', 'recues des fournisseurs', 'recus des fournisseurs', 'received units', 'quantity received', 'quantities received', 'units delivered by suppliers', 'unites recues', 'quantites recues', 'quantite recue', 'quantites receptionnees'],
  receivedValue: ['value received', 'receipts value', 'value of receipts', 'received value', 'valeur recue', 'valeur des receptions', 'montant des receptions'],
  purchaseAmount: ['purchase value', 'purchase amount', 'purchases value', 'purchasing spend', 'spend with suppliers', 'supplier spend', 'bought from suppliers', 'montant des achats', 'valeur des achats', 'achats fournisseurs', 'achats aux fournisseurs', 'depenses fournisseurs'],
  unitsPurchased: ['units purchased', 'units bought', 'quantity purchased', 'quantites achetees', 'unites achetees', 'quantites commandees aux fournisseurs'],
  fillRate: ['fill rate', 'quantity fill rate', 'supplier fill rate', 'taux de service quantite', 'taux de remplissage', 'taux de completude'],
  supplierQualityScore: ['quality score', 'supplier quality', 'quality rating', 'note qualite', 'note de qualite', 'qualite fournisseur'],
  supplierPriceScore: ['price score', 'price rating', 'supplier price score', 'note prix', 'note de prix'],
});

/**
 * Verbs that ask for revenue only when no measure is named ("how much did we sell", "what did
 * Ernst Handel buy"); beside a named measure ("the products sold the most in units") they qualify it.
 */
export const REVENUE_VERBS = list({
  revenue: [
    'sold', 'sell', 'sells', 'selling', 'spent', 'spend', 'bought', 'buy', 'buys', 'purchased', 'how much', 'earned', 'made', 'generated',
    'vendu', 'vendus', 'vendue', 'vendues', 'vend', 'vendons', 'vendre', 'achete', 'achetes', 'acheter', 'depense', 'depenses', 'rapporte', 'genere', 'realise',
  ],
});

export const LEVEL_PHRASES = list({
  'date.year': ['year', 'years', 'yearly', 'annual', 'annually', 'annee', 'annees', 'an', 'ans', 'annuel', 'annuelle', 'annuels', 'annuelles', 'exercice'],
  'date.quarter': ['quarter', 'quarters', 'quarterly', 'trimestre', 'trimestres', 'trimestriel', 'trimestrielle', 'trimestriels', 'qtr'],
  'date.month': ['month', 'months', 'monthly', 'mois', 'mensuel', 'mensuelle', 'mensuels', 'mensuelles', 'month by month', 'mois par mois'],
  'date.day': ['day', 'days', 'daily', 'jour', 'jours', 'quotidien', 'quotidienne', 'journalier', 'date'],
  'product.root': ['product family', 'product families', 'family', 'families', 'root category', 'root categories', 'main category', 'main categories', 'top level category', 'department', 'departments', 'product line', 'product lines', 'univers', 'famille', 'familles', 'famille de produits', 'familles de produits', 'categorie principale', 'categories principales', 'rayon', 'rayons', 'gamme', 'gammes'],
  'product.category': ['category', 'categories', 'product category', 'product categories', 'sub category', 'sub categories', 'subcategory', 'subcategories', 'categorie', 'categories de produits', 'categorie de produits', 'categorie produit', 'categories produits', 'sous categorie', 'sous categories'],
  'product.product': ['product', 'products', 'item', 'items', 'article', 'articles', 'sku', 'skus', 'reference', 'references', 'produit', 'produits', 'ref', 'refs'],
  'geography.country': ['country', 'countries', 'customer country', 'country of the customer', 'customer countries', 'market', 'markets', 'ship country', 'destination country', 'pays', 'pays des clients', 'pays du client', 'pays de livraison', 'marche', 'marches', 'nation', 'nations'],
  'geography.region': ['region', 'regions', 'state', 'states', 'province', 'provinces', 'area', 'areas', 'territory', 'territories', 'region', 'regions du client', 'etat', 'etats', 'departement', 'zone', 'zones'],
  'geography.city': ['city', 'cities', 'town', 'towns', 'customer city', 'ville', 'villes', 'ville du client', 'villes des clients', 'commune'],
  'geography.customer': ['customer', 'customers', 'client', 'clients', 'account', 'accounts', 'buyer', 'buyers', 'acheteur', 'acheteurs', 'compte', 'comptes', 'company', 'companies', 'societe', 'societes'],
  'segment.segment': ['segment', 'segments', 'customer segment', 'customer segments', 'customer type', 'customer types', 'type of customer', 'segment client', 'segments clients', 'segment de clientele', 'segments de clientele', 'type de client', 'types de clients', 'clientele'],
  'supplier.supplier': ['supplier', 'suppliers', 'vendor', 'vendors', 'fournisseur', 'fournisseurs', 'provider', 'providers'],
  'warehouse.warehouse': ['warehouse', 'warehouses', 'depot', 'depots', 'site', 'sites', 'distribution center', 'entrepot', 'entrepots', 'plateforme', 'plateformes'],
  'orderStatus.status': ['status', 'statuses', 'order status', 'order statuses', 'statut', 'statuts', 'etat de commande', 'statut de commande', 'statut des commandes'],
  'orderKind.kind': ['order kind', 'order type', 'order types', 'kind of order', 'sales and returns', 'type de commande', 'types de commande'],
  'stockStatus.state': ['stock state', 'stock status', 'etat du stock', 'etat de stock'],
  'purchaseStatus.status': ['purchase order status', 'purchase status', 'po status', 'statut des commandes fournisseurs', 'statut de commande fournisseur', 'statut d achat'],
  'productStatus.status': ['product status', 'product statuses', 'statut produit', 'statut des produits', 'statut du produit', 'discontinued or not', 'actif ou arrete'],
  'salesRep.salesRep': [
    'sales rep', 'sales reps', 'sales representative', 'sales representatives', 'salesperson', 'salespeople', 'salesman', 'salesmen', 'saleswoman', 'account manager', 'account managers',
    'employee', 'employees', 'seller', 'sellers', 'representative', 'representatives', 'order owner',
    'commercial', 'commerciaux', 'commerciale', 'commerciales', 'vendeur', 'vendeurs', 'vendeuse', 'vendeuses', 'representant', 'representants', 'employe', 'employes', 'collaborateur', 'collaborateurs', 'charge de clientele', 'charges de clientele',
  ],
  'carrier.carrier': [
    'carrier', 'carriers', 'shipper', 'shippers', 'shipping company', 'shipping companies', 'freight company', 'freight companies', 'courier', 'couriers', 'logistics provider', 'logistics providers', 'ship via', 'shipping method', 'delivery company',
    'transporteur', 'transporteurs', 'expediteur', 'expediteurs', 'messagerie', 'messageries', 'societe de transport', 'prestataire de transport', 'mode d expedition',
  ],
});

/** English (and some French) country names the ISO codes do not give: the warehouse has its own names too. */
export const COUNTRY_ALIASES: Record<string, string[]> = {
  US: ['usa', 'us', 'united states', 'america', 'etats unis', 'amerique'],
  GB: ['uk', 'united kingdom', 'britain', 'great britain', 'england', 'royaume uni', 'angleterre', 'grande bretagne'],
  NL: ['holland', 'the netherlands', 'hollande'],
  DE: ['deutschland'],
};
