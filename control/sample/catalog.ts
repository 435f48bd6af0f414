// What the sample data talks about: a shop's products, its web site's paths and visitors, and the
// people posting about it. Weights are relative popularity; prices are in cents.
import { Weighted } from './random.js';

export interface Product {
  name: string;
  /** Usual price in cents; a sale varies around it. */
  priceCents: number;
  /** Relative share of sales and of posts. */
  popularity: number;
  /** Typical likes of a post about it: posts draw around it. */
  likes: number;
}

// "Produit A"… as in the original system's examples, then real-sounding names. Some names hold a
// comma or a double quote on purpose: the CSV must quote them and the JSON must escape them.
export const products: readonly Product[] = [
  { name: 'Produit A', priceCents: 1250, popularity: 30, likes: 75 },
  { name: 'Produit B', priceCents: 4999, popularity: 22, likes: 40 },
  { name: 'Produit C', priceCents: 899, popularity: 18, likes: 12 },
  { name: 'Produit D', priceCents: 15000, popularity: 9, likes: 130 },
  { name: 'Produit E', priceCents: 250, popularity: 26, likes: 5 },
  { name: 'Produit F', priceCents: 3490, popularity: 7, likes: 22 },
  { name: 'Produit G', priceCents: 12990, popularity: 4, likes: 60 },
  { name: 'Produit H', priceCents: 599, popularity: 12, likes: 9 },
  { name: 'Casque Bluetooth Aria', priceCents: 7990, popularity: 14, likes: 210 },
  { name: 'Cafetière expresso Milano', priceCents: 18900, popularity: 6, likes: 95 },
  { name: 'Clavier mécanique K70', priceCents: 11990, popularity: 8, likes: 160 },
  { name: 'Lampe de bureau LED', priceCents: 3999, popularity: 10, likes: 18 },
  { name: 'Sac à dos urbain 25 L', priceCents: 5900, popularity: 9, likes: 44 },
  { name: 'Chaussures de trail Vertex', priceCents: 12900, popularity: 7, likes: 120 },
  { name: 'Gourde isotherme 750 ml', priceCents: 2490, popularity: 15, likes: 33 },
  { name: 'Montre connectée Pulse 2', priceCents: 19900, popularity: 5, likes: 340 },
  { name: 'Enceinte portable Rumba', priceCents: 6990, popularity: 8, likes: 85 },
  { name: 'Souris ergonomique', priceCents: 4490, popularity: 11, likes: 27 },
  { name: 'Écran 27" 4K', priceCents: 32900, popularity: 4, likes: 260 },
  { name: 'Câble USB-C 2 m', priceCents: 1299, popularity: 20, likes: 3 },
  { name: 'Chargeur rapide 65 W', priceCents: 3999, popularity: 12, likes: 14 },
  { name: 'Tapis de yoga', priceCents: 2999, popularity: 9, likes: 58 },
  { name: 'Bouilloire électrique 1,7 L', priceCents: 3490, popularity: 8, likes: 16 },
  { name: 'Livre « Le Petit Prince »', priceCents: 790, popularity: 10, likes: 190 },
  { name: 'Thé vert Sencha, 100 g', priceCents: 850, popularity: 13, likes: 21 },
  { name: 'Crème solaire SPF 50', priceCents: 1590, popularity: 9, likes: 11 },
  { name: 'Brosse à dents électrique', priceCents: 6490, popularity: 6, likes: 19 },
  { name: 'Ampoule connectée E27', priceCents: 1990, popularity: 10, likes: 24 },
  { name: 'Jeu de société Carcassonne', priceCents: 3500, popularity: 7, likes: 150 },
  { name: 'Robot aspirateur Nova', priceCents: 29900, popularity: 3, likes: 280 },
  { name: 'Chaise de bureau Ergo', priceCents: 24900, popularity: 3, likes: 70 },
  { name: 'Pack 3 T-shirts coton bio', priceCents: 3900, popularity: 8, likes: 36 },
  { name: 'Stylo plume "Classique"', priceCents: 2450, popularity: 4, likes: 48 },
];

export const productByPopularity = new Weighted(products.map((p) => [p, p.popularity] as const));

/** Products whose name holds a comma but no quote: unquoted in a CSV row, they add a field. */
export const productsWithComma = products.filter((p) => p.name.includes(',') && !p.name.includes('"'));

/** Posts are also about the shop itself, not only about products. */
export const postSubjects: readonly Product[] = [
  ...products,
  { name: 'Service client', priceCents: 0, popularity: 10, likes: 8 },
  { name: 'Livraison', priceCents: 0, popularity: 12, likes: 6 },
  { name: 'Soldes d’été', priceCents: 0, popularity: 6, likes: 420 },
];

export const subjectByPopularity = new Weighted(postSubjects.map((p) => [p, p.popularity] as const));

export const userNames: readonly string[] = [
  'julie_m', 'thomas.b', 'lea_photo', 'k.ndiaye', 'marco_ri', 'sarah.lefevre', 'nico_trail', 'amina.b',
  'pauline_d', 'yanis.h', 'chloe.creative', 'hugo_92', 'ines.lb', 'max_tech', 'emma.r', 'lucas_dev',
  'camille_vg', 'theo.moreau', 'zoe_bzh', 'antoine.p', 'manon_78', 'rayan.k', 'clara.voyage', 'adam_s',
];

/** Bodies of posts; `{p}` is the subject. Quotes, emoji and line breaks are escaped by JSON. */
export const postTexts: readonly string[] = [
  'Je viens de recevoir {p}, franchement top !',
  'Quelqu’un a testé {p} ? Avis bienvenus',
  'Déçue par {p}… le SAV ne répond pas',
  '{p} : rapport qualité/prix imbattable 👍',
  'Mon avis sur {p} après 3 mois : "solide"',
  'Promo sur {p} ce week-end 🔥\nÀ ne pas rater',
  '{p} est arrivé cassé, remboursement en cours',
  'Comparatif : {p} vs la concurrence',
  'Meilleur achat de l’année : {p} 😍',
  'Livraison en 24 h pour {p}, bravo',
];

export const hashtags: readonly string[] = ['#bonplan', '#avis', '#unboxing', '#promo', '#shopping', '#sav', '#madeinfrance'];

export const httpMethods = new Weighted([
  ['GET', 860],
  ['POST', 90],
  ['HEAD', 25],
  ['PUT', 10],
  ['DELETE', 5],
  ['OPTIONS', 10],
] as const);

export const httpProtocols = new Weighted([
  ['HTTP/1.1', 70],
  ['HTTP/2.0', 27],
  ['HTTP/1.0', 3],
] as const);

// Status codes with their usual share of a shop's traffic; some come only with some paths.
export const statusCodes = new Weighted([
  [200, 7400],
  [304, 650],
  [404, 700],
  [301, 220],
  [302, 260],
  [201, 80],
  [204, 60],
  [206, 40],
  [400, 90],
  [401, 70],
  [403, 60],
  [405, 10],
  [429, 25],
  [500, 45],
  [502, 20],
  [503, 30],
  [504, 10],
] as const);

export const sitePaths = new Weighted([
  ['/', 200],
  ['/index.html', 40],
  ['/produits', 120],
  ['/produits/{slug}', 400],
  ['/panier', 60],
  ['/commande/paiement', 25],
  ['/compte/connexion', 30],
  ['/api/v1/panier', 80],
  ['/api/v1/produits?page={n}', 60],
  ['/recherche?q={q}', 70],
  ['/static/css/app.{hash}.css', 150],
  ['/static/js/app.{hash}.js', 150],
  ['/images/produits/{slug}.webp', 250],
  ['/favicon.ico', 60],
  ['/robots.txt', 15],
  ['/sitemap.xml', 8],
  ['/wp-login.php', 6],
  ['/.env', 4],
] as const);

export const searchTerms: readonly string[] = ['casque', 'montre+connectee', 'cafe', 'yoga', 'cadeau+noel', 'usb-c', 'soldes', 'th%C3%A9+vert'];

export const userAgents = new Weighted([
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 300],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 220],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36', 180],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15', 110],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 60],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67', 50],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 40],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 15],
  ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 10],
  ['curl/8.5.0', 8],
  ['python-requests/2.31.0', 8],
  ['Go-http-client/1.1', 4],
] as const);

export const referers = new Weighted([
  ['-', 450],
  ['https://shop.example.fr/', 180],
  ['https://shop.example.fr/produits', 140],
  ['https://www.google.com/', 120],
  ['https://www.google.fr/', 60],
  ['https://www.bing.com/', 10],
  ['https://www.facebook.com/', 25],
  ['https://t.co/', 10],
  ['https://www.instagram.com/', 20],
] as const);

/** Lower-case, accent-free, hyphenated: how a product appears in a URL. */
export function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export const productSlugs: readonly string[] = products.map((p) => slug(p.name));
