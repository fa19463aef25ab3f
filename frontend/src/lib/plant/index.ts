/** Server state of the plant shared by several panels. */
export { decodeRecipes, RECIPES_PATH, recipesQueryOptions, type Recipe } from './recipes';
