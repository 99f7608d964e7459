/**
 * The short list of product categories an owner picks from (buttons in their language, `shop:category.<key>`),
 * each mapped to a Google product category id — Meta's `google_product_category` takes the id
 * (taxonomy: https://www.google.com/basepages/producttype/taxonomy-with-ids.en-US.txt). The owner never sees
 * English taxonomy text or a number.
 */
export const PRODUCT_CATEGORIES = {
  food: '422', // Food, Beverages & Tobacco > Food Items
  drinks: '413', // Food, Beverages & Tobacco > Beverages
  wine: '421', // … > Beverages > Alcoholic Beverages > Wine
  clothing: '166', // Apparel & Accessories
  beauty: '469', // Health & Beauty
  home: '536', // Home & Garden
  furniture: '436', // Furniture
  plants: '985', // Home & Garden > Plants
  crafts: '8', // Arts & Entertainment
  toys: '1239', // Toys & Games
} as const;

export type CategoryKey = keyof typeof PRODUCT_CATEGORIES;
export const CATEGORY_KEYS = Object.keys(PRODUCT_CATEGORIES) as CategoryKey[];

/** The list key of a stored category id; undefined for older free-text values. */
export function categoryKey(googleCategory: string | undefined): CategoryKey | undefined {
  return CATEGORY_KEYS.find((k) => PRODUCT_CATEGORIES[k] === googleCategory);
}
